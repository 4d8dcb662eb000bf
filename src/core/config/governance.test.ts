import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseServiceConfig } from "./index.js";
import { parseAllowWindow, parseFreezeRange } from "./windows.js";
import { zonedToUtc } from "./time-zone.js";
import type { ConfigProblem } from "./index.js";

const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/config/governed.yaml", import.meta.url));
const HEAD = ["service: hello", "owner: team-a", "run: { command: node server.js, readiness: { http: /healthz } }", "environments:"];
const yaml = (...lines: string[]) => [...HEAD, ...lines].join("\n") + "\n";

function errors(text: string): string[] {
  const result = parseServiceConfig(text, "slipway.yaml");
  assert.equal(result.config, undefined);
  return result.errors.map((p: ConfigProblem) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
}

test("requires and windows parse into ms, roles and structured windows", () => {
  const result = parseServiceConfig(readFileSync(FIXTURE, "utf8"), "governed.yaml");
  assert.deepEqual(result.errors, []);
  const prod = result.config!.environments.prod!;
  assert.deepEqual(prod.requires, {
    promoted_from: "staging",
    soak: 1_800_000,
    approvals: { count: 1, from: ["approver"], not_by: ["deployer", "author"], expires: 86_400_000 },
    signed_by: ["release-key"],
  });
  assert.deepEqual(prod.windows!.allow[0], { text: "Mon-Thu 09:00-16:00 Europe/Berlin", days: [1, 2, 3, 4], start: 540, end: 960, zone: "Europe/Berlin" });
  assert.deepEqual(prod.windows!.freeze[0], {
    text: "2026-12-20..2027-01-04",
    start: Date.UTC(2026, 11, 20),
    end: Date.UTC(2027, 0, 5),
    zone: "UTC",
  });
  // 18:00 Berlin in November is 17:00 UTC.
  assert.equal(prod.windows!.freeze[1]!.start, Date.UTC(2026, 10, 27, 17));
  assert.equal(prod.windows!.freeze[1]!.reason, "Black Friday");
  assert.equal(result.config!.environments.dev!.requires, undefined, "absent keys stay absent");
});

test("approvals take defaults: one approver, no exclusions, 24h", () => {
  const result = parseServiceConfig(yaml("  prod:", "    requires: { approvals: {} }"), "slipway.yaml");
  assert.deepEqual(result.config!.environments.prod!.requires!.approvals, { count: 1, from: ["approver"], not_by: [], expires: 86_400_000 });
});

test("window strings: weekday lists, wrap-around ranges, midnight crossings, default UTC", () => {
  const w = (t: string) => parseAllowWindow(t);
  assert.deepEqual(w("Mon,Wed 10:00-11:00"), { text: "Mon,Wed 10:00-11:00", days: [1, 3], start: 600, end: 660, zone: "UTC" });
  assert.deepEqual((w("Fri-Mon 08:00-24:00 UTC") as { days: number[] }).days, [1, 5, 6, 7]);
  assert.deepEqual((w("sunday 22:00-02:00 America/New_York") as { end: number }).end, 120);
  assert.deepEqual((w("Mon-Wed,Fri 09:00-17:00 europe/berlin") as { days: number[]; zone: string }).zone, "Europe/Berlin");
  assert.deepEqual((w("daily 00:00-06:00") as { days: number[] }).days, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(w("Mon 09:00-09:00"), '"09:00-09:00" opens and closes at the same time; a window reads like "Mon-Fri 09:00-17:00 Europe/Berlin"');
  assert.equal(w("Mon 25:00-26:00"), '"25:00-26:00" is not a time range; write HH:MM-HH:MM on a 24-hour clock (e.g. 09:00-16:00; 24:00 for midnight at the end)');
  assert.equal(w("weekdays"), '"weekdays" is not a change window; a window reads like "Mon-Fri 09:00-17:00 Europe/Berlin"');
});

test("freeze strings: single date, date-times, DST-correct zones", () => {
  const one = parseFreezeRange("2026-12-25") as { start: number; end: number };
  assert.deepEqual([one.start, one.end], [Date.UTC(2026, 11, 25), Date.UTC(2026, 11, 26)]);
  const summer = parseFreezeRange("2026-07-01T09:00..2026-07-01T10:00 Europe/Berlin") as { start: number };
  assert.equal(summer.start, Date.UTC(2026, 6, 1, 7), "CEST is UTC+2");
  const night = parseFreezeRange("2026-03-29..2026-03-29 Europe/Berlin") as { start: number; end: number };
  assert.equal(night.end - night.start, 23 * 3_600_000, "the spring-forward day has 23 hours");
  assert.match(parseFreezeRange("2026-12-20..2026-12-19") as string, /ends \(2026-12-19\) before it starts \(2026-12-20\)/);
  assert.match(parseFreezeRange("2026-12-20..2026-12-20T00:00") as string, /before it starts/);
  assert.match(parseFreezeRange("20261220") as string, /^"20261220" is not a date \(YYYY-MM-DD\)/);
});

test("a wall time in the DST gap moves past it; a repeated one takes the later instant", () => {
  const gap = zonedToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, "Europe/Berlin");
  assert.equal(gap, Date.UTC(2026, 2, 29, 1, 30), "02:30 does not exist: 03:30 CEST");
  const twice = zonedToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, "Europe/Berlin");
  assert.equal(twice, Date.UTC(2026, 9, 25, 1, 30), "02:30 CET, the second one");
});

test("bad windows and freezes are located errors that say what is wrong", () => {
  const found = errors(
    yaml(
      "  prod:",
      "    windows:",
      '      allow: ["Mnday-Fri 09:00-17:00", "Mon-Fri 09:00-17:00 Europe/Berln"]',
      "      freeze:",
      '        - "2027-01-04..2026-12-20"',
      '        - { range: "2026-02-30", reason: leap }',
    ),
  );
  assert.deepEqual(found, [
    '7:15 environments.prod.windows.allow.0: "Mnday" is not a weekday or a range of them; did you mean "Mon"? use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges like Mon-Fri and lists like Mon,Wed',
    '7:40 environments.prod.windows.allow.1: "Europe/Berln" is not a time zone; did you mean "Europe/Berlin"?',
    '9:11 environments.prod.windows.freeze.0: the freeze "2027-01-04..2026-12-20" ends (2026-12-20) before it starts (2027-01-04); write the earlier date first',
    '10:20 environments.prod.windows.freeze.1.range: "2026-02-30" is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM); a freeze reads like "2026-12-20..2027-01-04" or "2026-11-27T18:00..2026-11-28T06:00 Europe/Berlin"',
  ]);
});

test("bad requires values: unknown role and party, bad duration, unknown key", () => {
  const found = errors(yaml("  prod:", "    requires:", "      approvals: { from: [approvers], not_by: [reviewer], expires: 1 day }", "      soak_time: 10m"));
  assert.equal(found.length, 4);
  assert.match(found[0]!, /approvals\.from\.0: found "approvers"; allowed: viewer, deployer, approver, admin/);
  assert.match(found[1]!, /approvals\.not_by\.0: found "reviewer"; allowed: deployer, author/);
  assert.match(found[2]!, /approvals\.expires: found "1 day", expected a duration/);
  assert.match(found[3]!, /requires\.soak_time: unknown key "soak_time" under environments\.prod\.requires; allowed: promoted_from, soak, approvals, signed_by, provenance, sbom, max_severity$/);
});

test("promoted_from must name another declared environment, with a did-you-mean", () => {
  const found = errors(yaml("  dev: {}", "  staging:", "    requires: { promoted_from: prod }", "  prod:", "    requires: { promoted_from: stagng }", "  qa:", "    requires: { promoted_from: qa }"));
  assert.deepEqual(found, [
    '9:32 environments.prod.requires.promoted_from: promoted_from names "stagng", which is not an environment under environments; did you mean "staging"?',
    "11:32 environments.qa.requires.promoted_from: qa is promoted from itself; promoted_from names the environment an artifact must succeed in first",
  ]);
});

test("a promotion path that loops is an error; soak without promoted_from is an error", () => {
  const found = errors(
    yaml("  dev:", "    requires: { promoted_from: prod }", "  staging:", "    requires: { soak: 10m }", "  prod:", "    requires: { promoted_from: dev }"),
  );
  assert.deepEqual(found, [
    "6:32 environments.dev.requires.promoted_from: the promotion path loops (dev ← prod ← dev): no artifact could ever succeed in one of them first",
    "8:17 environments.staging.requires.soak: soak needs promoted_from: it is how long the artifact must have run there first",
  ]);
});
