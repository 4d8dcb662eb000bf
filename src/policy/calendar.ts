import { addDays, localTime, zonedToUtc } from "../core/config/index.js";
import type { AllowWindow, FreezeWindow, WindowsConfig } from "../core/config/index.js";

/**
 * Calendar arithmetic for change windows and freezes, on instants (UTC ms). Windows are
 * wall-clock times in their own zone, so a "09:00-16:00 Europe/Berlin" window is 07:00-14:00
 * UTC in summer and 08:00-15:00 UTC in winter, and on DST days it is still 09:00-16:00 local.
 */

const isoWeekday = (date: { year: number; month: number; day: number }) =>
  ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;

/** True if `now` falls inside this one window. A window crossing midnight belongs to the day it opens. */
export function inWindow(window: AllowWindow, now: number): boolean {
  const t = localTime(now, window.zone);
  const minute = t.hour * 60 + t.minute;
  if (window.end > window.start) return window.days.includes(t.weekday) && minute >= window.start && minute < window.end;
  const yesterday = t.weekday === 1 ? 7 : t.weekday - 1;
  return (window.days.includes(t.weekday) && minute >= window.start) || (window.days.includes(yesterday) && minute < window.end);
}

/** True if `now` is inside any of the windows; no windows means no restriction (true). */
export function isInWindow(allow: readonly AllowWindow[], now: number): boolean {
  return allow.length === 0 || allow.some((w) => inWindow(w, now));
}

/** The next instant after `now` at which this window opens. */
function nextOpeningOf(window: AllowWindow, now: number): number {
  const today = localTime(now, window.zone);
  let best = Infinity;
  // Two weeks, not one: a weekly window whose only day falls in a DST gap opens a week later.
  for (let k = 0; k <= 14; k++) {
    const date = addDays(today, k);
    if (!window.days.includes(isoWeekday(date))) continue;
    const at = zonedToUtc({ ...date, hour: Math.floor(window.start / 60), minute: window.start % 60 }, window.zone);
    // A window that lies wholly in a DST gap (02:00-02:30 on the spring-forward day) never opens that day.
    if (at > now && at < best && inWindow(window, at)) best = at;
  }
  return best;
}

/**
 * The earliest instant ≥ `now` at which `allow` permits a deployment: `now` itself when it
 * is inside a window (or there are no windows), else when the next window opens.
 */
export function nextWindowOpening(allow: readonly AllowWindow[], now: number): number {
  if (isInWindow(allow, now)) return now;
  return Math.min(...allow.map((w) => nextOpeningOf(w, now)));
}

/** The window that opens at `at` (for naming it in messages), or the first one. */
export function windowOpeningAt(allow: readonly AllowWindow[], at: number): AllowWindow | undefined {
  return allow.find((w) => inWindow(w, at)) ?? allow[0];
}

/**
 * The freeze in force at `now` (start ≤ now < end), or null. Of overlapping freezes, the one
 * that ends last, since that is how long the wait is.
 */
export function freezeInForce(freezes: readonly FreezeWindow[], now: number): FreezeWindow | null {
  let found: FreezeWindow | null = null;
  for (const f of freezes) if (f.start <= now && now < f.end && (!found || f.end > found.end)) found = f;
  return found;
}

/** The next freeze to begin after `now`, or null. */
export function nextFreeze(freezes: readonly FreezeWindow[], now: number): FreezeWindow | null {
  let found: FreezeWindow | null = null;
  for (const f of freezes) if (f.start > now && (!found || f.start < found.start)) found = f;
  return found;
}

/**
 * The earliest instant ≥ `now` that is inside the allow windows and in no freeze: when a
 * deployment held by windows or freezes can go. Freezes that chain or end outside a window
 * are followed through (bounded, so a config that is frozen forever still returns).
 */
export function nextOpenTime(windows: Pick<WindowsConfig, "allow" | "freeze">, now: number): number {
  let t = now;
  for (let i = 0; i < 64; i++) {
    const freeze = freezeInForce(windows.freeze, t);
    if (freeze) {
      t = freeze.end;
      continue;
    }
    const open = nextWindowOpening(windows.allow, t);
    if (open === t) return t;
    t = open;
  }
  return t;
}
