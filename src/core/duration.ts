import { badInput } from "./errors.js";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * The longest duration Slipway accepts anywhere (token expiry, pauses, timeouts, soak): ten
 * years. Longer is a typo or a probe, and a time that far out no longer fits a date.
 */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

/** True if `text` is written as a duration like `250ms`, `10s`, `2m`, `1h30m`, `7d` (whatever its length). */
export function isDurationSyntax(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length > 64) return false;
  const parts = trimmed.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g);
  return parts !== null && parts.join("") === trimmed;
}

/** True if `text` is a duration (see isDurationSyntax) of at most MAX_DURATION_MS. */
export function isDuration(text: string): boolean {
  return isDurationSyntax(text) && sumMs(text) <= MAX_DURATION_MS;
}

function sumMs(text: string): number {
  return text.trim().match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g)!.reduce((total, part) => {
    const [, value, unit] = part.match(DURATION)!;
    return total + Number(value) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }, 0);
}

/** Parses `250ms`, `10s`, `2m`, `1h`, `7d` (and combinations like `1h30m`) into milliseconds, at most ten years. */
export function parseDuration(text: string): number {
  if (!isDurationSyntax(text)) {
    throw badInput(`"${clip(text)}" is not a duration`, {
      hint: "write a number followed by a unit: ms, s, m, h or d (e.g. 250ms, 10s, 2m, 1h30m)",
    });
  }
  const ms = sumMs(text);
  if (!(ms <= MAX_DURATION_MS)) {
    throw badInput(`"${clip(text)}" is longer than 3650d (ten years), the longest duration Slipway accepts`, { hint: "write a shorter duration, e.g. 90d" });
  }
  return ms;
}

function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

/** Formats milliseconds the way a person reads them: 850ms, 12.3s, 4m05s, 2h10m. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000);
    return `${m}m${String(Math.floor((ms % 60_000) / 1_000)).padStart(2, "0")}s`;
  }
  const h = Math.floor(ms / 3_600_000);
  return `${h}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, "0")}m`;
}

/** Parses `20%` into 0.2. */
export function parsePercent(text: string): number {
  const match = text.trim().match(/^(\d+(?:\.\d+)?)%$/);
  if (!match) {
    throw badInput(`"${text}" is not a percentage`, { hint: "write a number followed by %, e.g. 20%" });
  }
  return Number(match[1]) / 100;
}
