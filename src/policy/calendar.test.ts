import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAllowWindow, parseFreezeRange } from "../core/config/index.js";
import type { AllowWindow, FreezeWindow } from "../core/config/index.js";
import { freezeInForce, isInWindow, nextFreeze, nextOpenTime, nextWindowOpening } from "./calendar.js";
import { formatSpan } from "./format.js";

function win(text: string): AllowWindow {
  const w = parseAllowWindow(text);
  assert.ok(typeof w !== "string", w as string);
  return w;
}

function freeze(text: string, reason?: string): FreezeWindow {
  const f = parseFreezeRange(text, reason);
  assert.ok(typeof f !== "string", f as string);
  return f;
}

const at = (iso: string) => Date.parse(iso);
const BERLIN = win("Mon-Thu 09:00-16:00 Europe/Berlin");

test("a Berlin window follows Berlin's clock in summer (UTC+2) and winter (UTC+1)", () => {
  assert.equal(isInWindow([BERLIN], at("2026-06-08T07:00Z")), true, "Mon 09:00 CEST");
  assert.equal(isInWindow([BERLIN], at("2026-06-08T06:59Z")), false, "Mon 08:59 CEST");
  assert.equal(isInWindow([BERLIN], at("2026-06-11T13:59Z")), true, "Thu 15:59 CEST");
  assert.equal(isInWindow([BERLIN], at("2026-06-11T14:00Z")), false, "Thu 16:00 CEST: the end is exclusive");
  assert.equal(isInWindow([BERLIN], at("2026-01-05T07:30Z")), false, "Mon 08:30 CET");
  assert.equal(isInWindow([BERLIN], at("2026-01-05T08:00Z")), true, "Mon 09:00 CET");
  assert.equal(isInWindow([], at("2026-01-03T03:00Z")), true, "no windows: no restriction");
});

test("the next opening: Fri 10:12 Berlin → Mon 09:00, 2d 22h48m later", () => {
  const now = at("2026-06-05T08:12Z");
  const opens = nextWindowOpening([BERLIN], now);
  assert.equal(opens, at("2026-06-08T07:00Z"));
  assert.equal(formatSpan(opens - now), "2d 22h48m");
  assert.equal(nextWindowOpening([BERLIN], at("2026-06-08T08:00Z")), at("2026-06-08T08:00Z"), "inside: now");
});

test("openings across DST changes land on 09:00 local either side", () => {
  // Clocks go forward on Sun 2026-03-29: Friday is UTC+1, Monday UTC+2.
  assert.equal(nextWindowOpening([BERLIN], at("2026-03-26T16:00Z")), at("2026-03-30T07:00Z"));
  // Clocks go back on Sun 2026-10-25: Friday is UTC+2, Monday UTC+1.
  assert.equal(nextWindowOpening([BERLIN], at("2026-10-22T15:00Z")), at("2026-10-26T08:00Z"));
});

test("on the spring-forward day a window keeps its wall-clock edges; one wholly in the gap does not open", () => {
  const sunday = win("Sun 01:00-04:00 Europe/Berlin");
  assert.equal(isInWindow([sunday], at("2026-03-29T00:00Z")), true, "01:00 CET");
  assert.equal(isInWindow([sunday], at("2026-03-29T01:59Z")), true, "03:59 CEST");
  assert.equal(isInWindow([sunday], at("2026-03-29T02:00Z")), false, "04:00 CEST: only two real hours that day");
  const gap = win("Sun 02:00-03:00 Europe/Berlin");
  assert.equal(nextWindowOpening([gap], at("2026-03-28T12:00Z")), at("2026-04-05T00:00Z"), "02:00-03:00 does not exist on 03-29");
  // On the fall-back day 02:00-03:00 happens twice; the window is open through both.
  assert.equal(isInWindow([gap], at("2026-10-25T00:30Z")), true, "02:30 CEST");
  assert.equal(isInWindow([gap], at("2026-10-25T01:30Z")), true, "02:30 CET");
});

test("a window crossing midnight belongs to the day it opens", () => {
  const night = win("Fri 22:00-02:00 UTC");
  assert.equal(isInWindow([night], at("2026-06-05T21:59Z")), false);
  assert.equal(isInWindow([night], at("2026-06-05T22:00Z")), true, "Fri 22:00");
  assert.equal(isInWindow([night], at("2026-06-06T01:59Z")), true, "Sat 01:59");
  assert.equal(isInWindow([night], at("2026-06-06T02:00Z")), false, "Sat 02:00");
  assert.equal(isInWindow([night], at("2026-06-08T01:00Z")), false, "Mon 01:00: Sunday has no window");
  assert.equal(nextWindowOpening([night], at("2026-06-06T03:00Z")), at("2026-06-12T22:00Z"));
});

test("several windows in several zones: inside any one is inside", () => {
  const ny = win("Mon-Fri 09:00-17:00 America/New_York");
  const tokyo = win("Mon-Fri 09:00-17:00 Asia/Tokyo");
  assert.equal(isInWindow([tokyo, ny], at("2026-06-08T13:00Z")), true, "09:00 EDT");
  assert.equal(isInWindow([tokyo, ny], at("2026-06-08T12:59Z")), false, "08:59 EDT, 21:59 JST");
  assert.equal(nextWindowOpening([tokyo, ny], at("2026-06-08T12:00Z")), at("2026-06-08T13:00Z"), "New York opens first");
  assert.equal(nextWindowOpening([tokyo, ny], at("2026-06-08T22:00Z")), at("2026-06-09T00:00Z"), "then Tokyo, Tue 09:00 JST");
});

test("freezes: in force from start to end (exclusive), the latest-ending overlap wins", () => {
  const yearEnd = freeze("2026-12-20..2027-01-04", "year-end freeze");
  const xmas = freeze("2026-12-24..2026-12-26");
  assert.equal(freezeInForce([yearEnd, xmas], at("2026-12-19T23:59Z")), null);
  assert.equal(freezeInForce([xmas, yearEnd], at("2026-12-25T12:00Z")), yearEnd);
  assert.equal(freezeInForce([yearEnd], at("2027-01-04T23:59Z")), yearEnd, "the last day is frozen all day");
  assert.equal(freezeInForce([yearEnd], at("2027-01-05T00:00Z")), null);
  assert.equal(nextFreeze([xmas, yearEnd], at("2026-12-01T00:00Z")), yearEnd);
  assert.equal(nextFreeze([xmas, yearEnd], at("2027-02-01T00:00Z")), null);
});

test("the next open time follows chained freezes and then waits for a window", () => {
  const windows = {
    allow: [BERLIN],
    freeze: [freeze("2026-12-20..2027-01-04"), freeze("2027-01-05T00:00..2027-01-05T12:00 Europe/Berlin")],
  };
  // The first freeze ends Tue 2027-01-05 00:00 UTC, the second then holds until 12:00 Berlin,
  // and the window is open until 16:00 Berlin: 11:00 UTC.
  assert.equal(nextOpenTime(windows, at("2026-12-22T10:00Z")), at("2027-01-05T11:00Z"));
  assert.equal(nextOpenTime({ allow: [], freeze: [] }, 5), 5);
});

test("spans read like a schedule: waits round up, elapsed times round down", () => {
  assert.equal(formatSpan(0), "0s");
  assert.equal(formatSpan(400), "1s");
  assert.equal(formatSpan(45_000), "45s");
  assert.equal(formatSpan(4 * 60_000 + 1), "5m");
  assert.equal(formatSpan(4 * 60_000 + 59_000, "down"), "4m");
  assert.equal(formatSpan(65 * 60_000), "1h05m");
  assert.equal(formatSpan(2 * 3_600_000), "2h");
  assert.equal(formatSpan(3 * 86_400_000), "3d");
  assert.equal(formatSpan(86_400_000 + 22 * 3_600_000 + 48 * 60_000), "1d 22h48m");
});
