import { badInput, isDuration, parseDuration } from "../core/index.js";
import { DAY_MS, dayOf } from "./types.js";

/** A metrics window: whole UTC days, from the day `since` falls in to the day before `until`'s end. */
export interface MetricsWindow {
  since: number;
  until: number;
  fromDay: number;
  toDay: number;
  days: number;
}

/** The longest window a report reads (the rollups keep every day; this bounds a typo like 90000d). */
const MAX_DAYS = 3660;
/** A clock a little ahead of the server's is not a future window. */
const FUTURE_SLACK_MS = 60_000;

/** `since`/`until`: a duration back from now (90d, 12h) or an ISO 8601 time. */
export function parseWindow(input: { since?: string | undefined; until?: string | undefined }, now: number): MetricsWindow {
  const since = pointIn(input.since ?? "90d", now, "since");
  const until = input.until === undefined ? now : pointIn(input.until, now, "until");
  if (since > now + FUTURE_SLACK_MS) throw badInput(`the window starts in the future (since ${new Date(since).toISOString()})`, { hint: "give a duration back from now (e.g. 90d) or a past ISO time" });
  if (until > now + FUTURE_SLACK_MS) throw badInput(`the window ends in the future (until ${new Date(until).toISOString()})`, { hint: "leave --until out to end the window now" });
  if (!(since < until)) throw badInput(`the window is empty: since (${new Date(since).toISOString()}) is not before until (${new Date(until).toISOString()})`);
  const fromDay = dayOf(since);
  const toDay = dayOf(until - 1);
  const days = toDay - fromDay + 1;
  if (days > MAX_DAYS) throw badInput(`the window is ${days} days long; at most ${MAX_DAYS} are read`, { hint: "use a shorter --since (e.g. 365d)" });
  return { since: fromDay * DAY_MS, until, fromDay, toDay, days };
}

function pointIn(text: string, now: number, what: string): number {
  const t = text.trim();
  if (isDuration(t)) return now - parseDuration(t);
  // Only full ISO dates or times: Date.parse would also take "1" or "banana 2".
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms;
  }
  throw badInput(`--${what} "${text}" is neither a duration nor an ISO 8601 time`, { hint: `write a duration back from now (e.g. 90d, 12h, 1h30m) or a time like 2026-01-31T00:00:00Z` });
}
