import { test } from "node:test";
import assert from "node:assert/strict";
import { parseServiceConfig } from "../core/config/index.js";
import type { EnvironmentConfig } from "../core/config/index.js";
import { evaluateGates, evaluateShiftGates, formatGate } from "./index.js";
import type { GateInput, GateName, GateReport, SourceHistory } from "./index.js";

const DIGEST = "sha256:ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
const OLD = "sha256:cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34";
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
/** Fri 2026-06-05 10:12 in Berlin. */
const FRIDAY = at("2026-06-05T08:12Z");

/** The prod environment of a slipway.yaml whose prod has these lines, parsed for real. */
function prod(...lines: string[]): EnvironmentConfig {
  const text = ["service: checkout-api", "owner: team-payments", "run: { command: node server.js, readiness: { http: /healthz } }",
    "environments:", "  staging: {}", "  prod:", ...lines.map((l) => `    ${l}`)].join("\n");
  const result = parseServiceConfig(text, "slipway.yaml");
  assert.deepEqual(result.errors, []);
  return result.config!.environments.prod!;
}

function input(environment: EnvironmentConfig, over: Partial<GateInput> = {}): GateInput {
  return {
    now: FRIDAY,
    environment,
    deployment: { id: "dep_01", service: "checkout-api", environment: "prod", version: "1.4.0", digest: DIGEST, actor: "alice", author: "dave", createdAt: FRIDAY },
    sourceHistory: null,
    approvals: [],
    approverRoles: { bob: "approver" },
    override: null,
    ...over,
  };
}

/** Staging ran the digest from `since` (still running unless `endedAt`). */
function staging(since: number, extra: Partial<SourceHistory> = {}, endedAt: number | null = null): SourceHistory {
  return { runs: [{ finishedAt: since, endedAt }], failures: [], current: { version: "1.4.0", digest: DIGEST, since }, ...extra };
}

function only(report: GateReport, gate: GateName): string {
  const found = report.gates.filter((g) => g.gate === gate);
  assert.equal(found.length, 1, `one ${gate} gate in ${JSON.stringify(report)}`);
  return formatGate(found[0]!);
}

test("an environment without requires or windows has no gates and passes", () => {
  assert.deepEqual(evaluateGates(input(prod("strategy: { type: rolling }"))), { passed: true, verdict: "pass", gates: [], waitingFor: null, recheckAt: null });
});

test("promotion refuses a digest that never succeeded upstream, and says what to promote instead", () => {
  const history: SourceHistory = { runs: [], failures: [], current: { version: "1.3.9", digest: OLD, since: FRIDAY - 86_400_000 } };
  const report = evaluateGates(input(prod("requires: { promoted_from: staging }"), { sourceHistory: history }));
  assert.equal(report.verdict, "refuse");
  assert.equal(
    only(report, "promotion"),
    "promotion: 1.4.0 (sha256:ab12cd34ef56…) never succeeded in staging; staging runs 1.3.9 (sha256:cd34ef56ab12…); " +
      "promote what staging runs with slipway promote checkout-api --from staging --to prod, or deploy 1.4.0 to staging first",
  );
});

test("promotion passes once the digest succeeded upstream, and refuses it after it failed there", () => {
  const env = prod("requires: { promoted_from: staging }");
  const ok = evaluateGates(input(env, { sourceHistory: staging(at("2026-06-04T12:00Z")) }));
  assert.equal(ok.verdict, "pass");
  assert.equal(only(ok, "promotion"), "promotion: 1.4.0 (sha256:ab12cd34ef56…) succeeded in staging at 2026-06-04 12:00 UTC and still runs there");
  const failures = [{ at: at("2026-06-04T12:30Z"), what: "verification failed: error-rate 4.1% > 1%; rolled back" }];
  const bad = evaluateGates(input(env, { sourceHistory: staging(at("2026-06-04T12:00Z"), { failures }, at("2026-06-04T12:31Z")) }));
  assert.equal(bad.verdict, "refuse");
  assert.match(only(bad, "promotion"), /succeeded in staging at 2026-06-04 12:00 UTC, then failed there at 2026-06-04 12:30 UTC: verification failed: error-rate 4\.1% > 1%; rolled back; an artifact that failed in staging is not promoted/);
});

test("soak waits while the digest runs upstream, then passes; a failure or replacement refuses", () => {
  const env = prod("requires: { promoted_from: staging, soak: 10m }");
  const since = FRIDAY - 4 * MIN;
  const waiting = evaluateGates(input(env, { sourceHistory: staging(since) }));
  assert.equal(waiting.verdict, "wait");
  assert.equal(waiting.waitingFor, "soak");
  assert.equal(waiting.recheckAt, since + 10 * MIN);
  assert.equal(only(waiting, "soak"), "soak: 1.4.0 has run in staging for 4m of the required 10m (6m left); wait until 2026-06-05 08:18 UTC; the soak completes by itself if staging stays healthy");
  const done = evaluateGates(input(env, { now: since + 10 * MIN, sourceHistory: staging(since) }));
  assert.equal(done.verdict, "pass");
  assert.equal(only(done, "soak"), "soak: 1.4.0 ran in staging for 10m without a failed verification (required 10m)");
  const failed = staging(since, { failures: [{ at: since + 3 * MIN, what: "probe /healthz answered 503" }] }, since + 3 * MIN);
  assert.match(only(evaluateGates(input(env, { sourceHistory: failed })), "soak"), /soak: 1\.4\.0 failed in staging at 2026-06-05 08:11 UTC, 3m after it succeeded: probe \/healthz answered 503/);
  const replaced = evaluateGates(input(env, { sourceHistory: staging(since, {}, since + 2 * MIN) }));
  assert.equal(replaced.verdict, "refuse", "it can never finish soaking");
  assert.match(only(replaced, "soak"), /ran in staging for only 2m of the required 10m before it was replaced at 2026-06-05 08:10 UTC/);
});

test("window: the refusal names the window, the local time and when it opens", () => {
  const env = prod('windows: { allow: ["Mon-Thu 09:00-16:00 Europe/Berlin"] }');
  const report = evaluateGates(input(env));
  assert.equal(report.verdict, "wait");
  assert.equal(report.waitingFor, "window");
  assert.equal(report.recheckAt, at("2026-06-08T07:00Z"));
  assert.equal(
    only(report, "window"),
    "window: outside Mon-Thu 09:00-16:00 Europe/Berlin (now Fri 10:12 in Europe/Berlin); next opens Mon 09:00 (in 2d 22h48m); " +
      'the deployment waits and starts when the window opens; or override with --override-window --reason "…" (needs the admin role or an emergency grant)',
  );
  const monday = evaluateGates(input(env, { now: at("2026-06-08T08:30Z") }));
  assert.equal(only(monday, "window"), "window: inside Mon-Thu 09:00-16:00 Europe/Berlin (now Mon 10:30 in Europe/Berlin)");
});

test("freeze: the refusal names the range, its reason and when it ends; outside it, the next one is announced", () => {
  const env = prod("windows:", "  freeze:", '    - { range: "2026-12-20..2027-01-04", reason: "year-end freeze" }');
  const frozen = evaluateGates(input(env, { now: at("2026-12-24T10:12Z") }));
  assert.equal(frozen.verdict, "wait");
  assert.equal(frozen.waitingFor, "window");
  assert.equal(frozen.recheckAt, at("2027-01-05T00:00Z"));
  assert.match(only(frozen, "freeze"), /^freeze: 2026-12-20\.\.2027-01-04 "year-end freeze" is in force until 2027-01-05 00:00 UTC \(in 11d 13h48m\); the deployment waits/);
  const before = evaluateGates(input(env, { now: at("2026-12-17T00:00Z") }));
  assert.equal(only(before, "freeze"), 'freeze: none in force; next: 2026-12-20..2027-01-04 "year-end freeze" begins 2026-12-20 00:00 UTC (in 3d)');
});

const GOVERNED = [
  "requires:",
  "  promoted_from: staging",
  "  soak: 10m",
  "  approvals: { count: 1, not_by: [deployer, author] }",
  "windows:",
  '  allow: ["Mon-Thu 09:00-16:00 Europe/Berlin"]',
  '  freeze: [{ range: "2026-06-05T00:00..2026-06-05T12:00 Europe/Berlin", reason: "release train" }]',
];

test("all gates together: order, waiting for a person before time, then refusing when anything refuses", () => {
  const env = prod(...GOVERNED);
  const soaked = staging(FRIDAY - 3_600_000);
  const report = evaluateGates(input(env, { sourceHistory: soaked }));
  assert.deepEqual(report.gates.map((g) => [g.gate, g.outcome]), [["promotion", "pass"], ["soak", "pass"], ["approvals", "wait"], ["window", "wait"], ["freeze", "wait"]]);
  assert.equal(report.waitingFor, "approval");
  assert.equal(report.recheckAt, at("2026-06-08T07:00Z"), "the freeze ends Friday noon, but the window opens Monday");
  const approved = [{ by: "bob", decision: "approve" as const, at: FRIDAY - MIN, comment: null, digest: DIGEST }];
  const afterApproval = evaluateGates(input(env, { sourceHistory: soaked, approvals: approved }));
  assert.equal(afterApproval.waitingFor, "window");
  const monday = evaluateGates(input(env, { now: at("2026-06-08T07:00Z"), sourceHistory: soaked, approvals: approved }));
  assert.equal(monday.verdict, "wait", "the approval is older than 24h by Monday");
  assert.equal(evaluateGates(input(env, { now: at("2026-06-08T07:00Z"), sourceHistory: soaked, approvals: [{ ...approved[0]!, at: at("2026-06-08T06:59Z") }] })).verdict, "pass");
  const refused = evaluateGates(input(env, { sourceHistory: null, approvals: approved }));
  assert.equal(refused.verdict, "refuse");
  assert.equal(refused.waitingFor, null);
  assert.equal(refused.recheckAt, null);
});

test("a permitted override passes window and freeze, marked overridden; never promotion or approvals", () => {
  const env = prod(...GOVERNED);
  const override = { by: "carol", reason: "INC-42 hotfix", allowed: true };
  const report = evaluateGates(input(env, { override }));
  const byGate = Object.fromEntries(report.gates.map((g) => [g.gate, g]));
  assert.equal(byGate.window!.passed, true);
  assert.equal(byGate.window!.overridden, true);
  assert.equal(byGate.window!.remedy, undefined);
  assert.match(byGate.window!.facts, /^outside Mon-Thu 09:00-16:00 Europe\/Berlin .*; overridden by carol: "INC-42 hotfix"$/);
  assert.equal(byGate.freeze!.overridden, true);
  assert.match(byGate.freeze!.facts, /"release train" is in force until 2026-06-05 12:00 Europe\/Berlin \(in 1h48m\); overridden by carol/);
  assert.equal(byGate.promotion!.outcome, "refuse");
  assert.equal(byGate.promotion!.overridden, undefined);
  assert.equal(byGate.approvals!.outcome, "wait");
  assert.equal(report.verdict, "refuse");
});

test("an override without permission changes nothing but says it was refused", () => {
  const env = prod('windows: { allow: ["Mon-Thu 09:00-16:00 Europe/Berlin"] }');
  const report = evaluateGates(input(env, { override: { by: "erin", reason: "please", allowed: false } }));
  assert.equal(report.verdict, "wait");
  const window = report.gates[0]!;
  assert.equal(window.overridden, undefined);
  assert.match(window.facts, /; the override by erin was refused: it needs the admin role or an emergency grant$/);
  const permitted = evaluateGates(input(env, { override: { by: "carol", reason: "INC-42", allowed: true } }));
  assert.equal(permitted.verdict, "pass");
  assert.equal(permitted.recheckAt, null);
});

test("a freeze that begins during a canary holds it before the next shift, and says so", () => {
  const env = prod("windows:", "  freeze:", '    - { range: "2026-11-27T18:00..2026-11-28T06:00 Europe/Berlin", reason: "Black Friday" }');
  // The canary started at 17:40 Berlin; its first shift (17:50) is before the freeze, the second (18:02) inside it.
  const start = evaluateGates(input(env, { now: at("2026-11-27T16:40Z") }));
  assert.equal(start.verdict, "pass");
  assert.match(only(start, "freeze"), /next: .*"Black Friday" begins 2026-11-27 18:00 Europe\/Berlin \(in 20m\)/);
  const first = evaluateShiftGates({ now: at("2026-11-27T16:50Z"), environment: env, override: null });
  assert.equal(first.verdict, "pass");
  const second = evaluateShiftGates({ now: at("2026-11-27T17:02Z"), environment: env, override: null });
  assert.equal(second.verdict, "wait");
  assert.equal(second.waitingFor, "window");
  assert.equal(second.recheckAt, at("2026-11-28T05:00Z"));
  assert.equal(
    formatGate(second.gates[0]!),
    'freeze: 2026-11-27T18:00..2026-11-28T06:00 Europe/Berlin "Black Friday" is in force until 2026-11-28 06:00 Europe/Berlin (in 11h58m); ' +
      'traffic stays where it is and the next shift waits until the freeze ends; or override with --override-window --reason "…" (needs the admin role or an emergency grant)',
  );
  const overridden = evaluateShiftGates({ now: at("2026-11-27T17:02Z"), environment: env, override: { by: "carol", reason: "INC-7", allowed: true } });
  assert.equal(overridden.verdict, "pass");
  assert.equal(overridden.gates[0]!.overridden, true);
});

test("shift checks ignore promotion and approvals: only window and freeze are re-checked", () => {
  const env = prod(...GOVERNED);
  const report = evaluateShiftGates({ now: at("2026-06-08T10:00Z"), environment: env, override: null });
  assert.deepEqual(report.gates.map((g) => g.gate), ["window", "freeze"]);
  assert.equal(report.verdict, "pass");
});
