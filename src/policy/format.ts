import { WEEKDAYS, localTime } from "../core/config/index.js";
import type { GateResult } from "./types.js";

/** Formatting for gate sentences: spans, instants in a zone, digests. */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * A span as people say it in a schedule: `45s`, `4m`, `1h05m`, `2d 22h48m`. Waits round up
 * (never "0m left" while something is still left); elapsed times round down.
 */
export function formatSpan(ms: number, round: "up" | "down" = "up"): string {
  const safe = Math.max(0, ms);
  if (safe < MINUTE) return `${Math.max(round === "up" && safe > 0 ? 1 : 0, Math[round === "up" ? "ceil" : "floor"](safe / 1000))}s`;
  const minutes = Math[round === "up" ? "ceil" : "floor"](safe / MINUTE);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hm = h === 0 ? (m === 0 ? "" : `${m}m`) : m === 0 ? `${h}h` : `${h}h${String(m).padStart(2, "0")}m`;
  return d === 0 ? hm || "0m" : hm ? `${d}d ${hm}` : `${d}d`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `09:00` from minutes past midnight (1440 → `24:00`). */
export function formatClock(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** `2027-01-05 00:00 UTC`: an instant on the wall clock of `zone`. */
export function formatInstant(ms: number, zone: string): string {
  const t = localTime(ms, zone);
  return `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)} ${zone}`;
}

/** `Fri 10:12` on the wall clock of `zone`. */
export function formatWeekdayTime(ms: number, zone: string): string {
  const t = localTime(ms, zone);
  return `${WEEKDAYS[t.weekday - 1]} ${pad(t.hour)}:${pad(t.minute)}`;
}

/**
 * When something happens, relative to now: `Mon 09:00 (in 2d 22h48m)` within a week,
 * `2026-12-07 09:00 Europe/Berlin (in 9d 3h)` beyond, so a weekday is never ambiguous.
 */
export function formatWhen(at: number, now: number, zone: string): string {
  const wall = at - now < 6 * DAY ? formatWeekdayTime(at, zone) : formatInstant(at, zone);
  return `${wall} (in ${formatSpan(at - now)})`;
}

/** `sha256:ab12cd34ef56…` */
export function shortDigest(digest: string): string {
  const [algo, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  const short = (hex ?? "").length > 12 ? `${hex!.slice(0, 12)}…` : hex;
  return algo ? `${algo}:${short}` : (short ?? "");
}

/** One line for a person: `approvals: 0 of 1 (…); ask …`. */
export function formatGate(result: GateResult): string {
  return `${result.gate}: ${result.facts}${result.remedy ? `; ${result.remedy}` : ""}`;
}

export { HOUR, MINUTE, DAY };
