import { badInput } from "./errors.js";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** True if `text` is a duration like `250ms`, `10s`, `2m`, `1h30m`, `7d`. */
export function isDuration(text: string): boolean {
  const trimmed = text.trim();
  const parts = trimmed.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g);
  return parts !== null && parts.join("") === trimmed;
}

/** Parses `250ms`, `10s`, `2m`, `1h`, `7d` (and combinations like `1h30m`) into milliseconds. */
export function parseDuration(text: string): number {
  if (!isDuration(text)) {
    throw badInput(`"${text}" is not a duration`, {
      hint: "write a number followed by a unit: ms, s, m, h or d (e.g. 250ms, 10s, 2m, 1h30m)",
    });
  }
  return text.trim().match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g)!.reduce((total, part) => {
    const [, value, unit] = part.match(DURATION)!;
    return total + Number(value) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }, 0);
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
