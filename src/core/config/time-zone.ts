import { didYouMean } from "./suggest.js";

/**
 * Wall-clock time in IANA time zones with nothing but the built-in Intl API. Change windows
 * and freezes are written in local time ("09:00 Europe/Berlin"), so checking them means
 * moving between an instant (UTC ms) and the wall clock of a zone, across DST changes.
 */

/** A wall-clock reading in some zone. `weekday` is ISO: 1 = Monday … 7 = Sunday. */
export interface LocalTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** A wall-clock date and time to convert to an instant; month is 1-12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

// Building a DateTimeFormat costs far more than using one; zones are few, so keep them.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's canonical name (`europe/berlin` → `Europe/Berlin`), or undefined if Intl does not know it. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The known zone a misspelt name most likely meant (`Europe/Berln` → `Europe/Berlin`). */
export function suggestTimeZone(name: string): string | undefined {
  return didYouMean(name, [...Intl.supportedValuesOf("timeZone"), "UTC"]);
}

/** The wall clock in `zone` at instant `ms`. */
export function localTime(ms: number, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAY[parts.weekday ?? ""] ?? 0,
  };
}

/** How far the zone's wall clock is ahead of UTC at instant `ms`, in ms (Berlin in summer: 2h). */
export function zoneOffset(ms: number, zone: string): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const t = localTime(whole, zone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - whole;
}

/**
 * The instant at which the zone's wall clock reads `wall`. A wall time that does not exist
 * (skipped when clocks go forward) maps to the instant the same distance past the gap
 * (02:30 → 03:30); one that exists twice (clocks go back) maps to the later of the two.
 */
export function zonedToUtc(wall: WallTime, zone: string): number {
  const guess = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const first = zoneOffset(guess, zone);
  const second = zoneOffset(guess - first, zone);
  return guess - (first === second ? first : second);
}

/** True if `year-month-day` is a real calendar date (no 2026-02-30). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** The calendar date `days` after the given one (month 1-12). */
export function addDays(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
