import { didYouMean } from "./suggest.js";
import { addDays, canonicalTimeZone, isCalendarDate, suggestTimeZone, zonedToUtc } from "./time-zone.js";

/**
 * The text forms of change windows and freezes, parsed into plain data once, at the
 * schema boundary, so nothing downstream re-reads strings. A parser returns the value or
 * a sentence saying what is wrong with the text (never throws): zod turns it into a
 * located config problem.
 */

/** An allowed change window: on these weekdays, from `start` to `end` minutes past local midnight. */
export interface AllowWindow {
  /** As written in slipway.yaml, for messages (`Mon-Thu 09:00-16:00 Europe/Berlin`). */
  text: string;
  /** ISO weekdays the window opens on, ascending: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Minutes past local midnight the window opens (09:00 → 540). */
  start: number;
  /**
   * Minutes past local midnight the window closes, exclusive (16:00 → 960; 24:00 → 1440).
   * When `end <= start` the window crosses midnight and closes on the next day
   * (`Fri 22:00-02:00` is Friday 22:00 to Saturday 02:00).
   */
  end: number;
  /** IANA time zone, canonical spelling; UTC when none is written. */
  zone: string;
}

/** A freeze: no deployment (and no traffic shift) from `start` until `end`. */
export interface FreezeWindow {
  /** The range as written (`2026-12-20..2027-01-04`), for messages. */
  text: string;
  /** UTC ms, inclusive. */
  start: number;
  /** UTC ms, exclusive: a date range ends at midnight after its last day. */
  end: number;
  /** IANA time zone the range was written in; UTC when none is written. */
  zone: string;
  reason?: string;
}

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

const WINDOW_EXAMPLE = 'a window reads like "Mon-Fri 09:00-17:00 Europe/Berlin"';
const FREEZE_EXAMPLE = 'a freeze reads like "2026-12-20..2027-01-04" or "2026-11-27T18:00..2026-11-28T06:00 Europe/Berlin"';

function parseZone(zone: string | undefined): { zone: string } | { error: string } {
  if (zone === undefined) return { zone: "UTC" };
  const canonical = canonicalTimeZone(zone);
  if (canonical) return { zone: canonical };
  const guess = suggestTimeZone(zone);
  return {
    error: `"${zone}" is not a time zone; ${guess ? `did you mean "${guess}"?` : "write an IANA name such as Europe/Berlin, America/New_York or UTC"}`,
  };
}

const FULL_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** ISO weekday of `Mon` or `Monday` (any case), or undefined. */
function weekday(name: string): number | undefined {
  const lower = name.toLowerCase();
  const i = FULL_NAMES.findIndex((full) => full === lower || full.slice(0, 3) === lower);
  return i >= 0 ? i + 1 : undefined;
}

function parseDays(text: string): number[] | string {
  if (/^(daily|every ?day)$/i.test(text)) return [1, 2, 3, 4, 5, 6, 7];
  const days = new Set<number>();
  for (const part of text.split(",")) {
    const ends = part.split("-");
    const numbers = ends.map(weekday);
    const bad = ends.find((_, i) => numbers[i] === undefined);
    if (bad !== undefined || ends.length > 2) {
      const near = bad === undefined ? undefined : didYouMean(bad, [...WEEKDAYS, ...FULL_NAMES]);
      const guess = near && WEEKDAYS[weekday(near)! - 1];
      return `"${bad ?? part}" is not a weekday or a range of them; ${guess ? `did you mean "${guess}"? ` : ""}use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges like Mon-Fri and lists like Mon,Wed`;
    }
    const [from, to = from] = numbers as number[];
    // Fri-Mon wraps over the weekend: Fri, Sat, Sun, Mon.
    for (let d = from!, n = 0; n < 7; d = (d % 7) + 1, n++) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function parseClock(text: string, allow24: boolean): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [h, min] = [Number(m[1]), Number(m[2])];
  if (h === 24 && min === 0 && allow24) return 1440;
  return h < 24 && min < 60 ? h * 60 + min : undefined;
}

/** Parses `Mon-Thu 09:00-16:00 Europe/Berlin` (zone optional, UTC by default). */
export function parseAllowWindow(text: string): AllowWindow | string {
  const m = /^\s*(\S+)\s+(\S+?)-(\S+?)(?:\s+(\S+))?\s*$/.exec(text);
  if (!m) return `"${text}" is not a change window; ${WINDOW_EXAMPLE}`;
  const days = parseDays(m[1]!);
  if (typeof days === "string") return days;
  const start = parseClock(m[2]!, false);
  const end = parseClock(m[3]!, true);
  if (start === undefined || end === undefined) {
    return `"${m[2]}-${m[3]}" is not a time range; write HH:MM-HH:MM on a 24-hour clock (e.g. 09:00-16:00; 24:00 for midnight at the end)`;
  }
  if (start === end % 1440) return `"${m[2]}-${m[3]}" opens and closes at the same time; ${WINDOW_EXAMPLE}`;
  const zone = parseZone(m[4]);
  if ("error" in zone) return zone.error;
  return { text: text.trim(), days, start, end, zone: zone.zone };
}

interface Point {
  year: number;
  month: number;
  day: number;
  time?: { hour: number; minute: number };
}

function parsePoint(text: string): Point | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(year, month, day)) return undefined;
  if (m[4] === undefined) return { year, month, day };
  const [hour, minute] = [Number(m[4]), Number(m[5])];
  return hour < 24 && minute < 60 ? { year, month, day, time: { hour, minute } } : undefined;
}

/** Start instant of a point: a bare date starts at its local midnight. */
function startOf(p: Point, zone: string): number {
  return zonedToUtc({ year: p.year, month: p.month, day: p.day, hour: p.time?.hour ?? 0, minute: p.time?.minute ?? 0 }, zone);
}

/** End instant of a point: a bare date includes its whole day, so it ends at the next midnight. */
function endOf(p: Point, zone: string): number {
  if (p.time) return startOf(p, zone);
  return zonedToUtc({ ...addDays(p, 1), hour: 0, minute: 0 }, zone);
}

/**
 * Parses a freeze range: `2026-12-20..2027-01-04` (whole days, inclusive), a single date, or
 * `2026-11-27T18:00..2026-11-28T06:00 Europe/Berlin` (end exclusive). UTC unless a zone is given.
 */
export function parseFreezeRange(text: string, reason?: string): FreezeWindow | string {
  const m = /^\s*(\S+?)(?:\.\.(\S+?))?(?:\s+(\S+))?\s*$/.exec(text);
  if (!m) return `"${text}" is not a freeze range; ${FREEZE_EXAMPLE}`;
  const from = parsePoint(m[1]!);
  const to = m[2] === undefined ? from : parsePoint(m[2]);
  const bad = from === undefined ? m[1] : to === undefined ? m[2] : undefined;
  if (from === undefined || to === undefined) {
    return `"${bad}" is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM); ${FREEZE_EXAMPLE}`;
  }
  if (m[2] === undefined && from.time) {
    return `"${m[1]}" is a single moment; a freeze needs a range (e.g. ${m[1]}..${m[1]!.slice(0, 10)}T23:59) or a whole date`;
  }
  const zone = parseZone(m[3]);
  if ("error" in zone) return zone.error;
  const start = startOf(from, zone.zone);
  const end = endOf(to, zone.zone);
  if (end <= start) return `the freeze "${text.trim()}" ends (${m[2]}) before it starts (${m[1]}); write the earlier date first`;
  return { text: text.trim(), start, end, zone: zone.zone, ...(reason === undefined ? {} : { reason }) };
}
