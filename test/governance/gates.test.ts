/**
 * Every gate through the real engine and API, alone and together, passing and refusing, with
 * the refusal or wait text asserted; `slipway deploy --dry-run` and GET /api/v1/gates print the
 * same report. Time-dependent gates (soak, window, freeze) run on an injected OffsetClock that
 * the test jumps forward: nothing here sleeps for a gate.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OffsetClock } from "../../src/core/index.js";
import { helloYaml, startPlane, type EnvironmentSpec, type PlaneFixture } from "../helpers/fixture.js";
import { summarize, waitForEnd } from "../helpers/http.js";
import { runCli } from "../helpers/processes.js";
import { actionsOf, ceilMinute, dailyWindow, freeze, gatesQuery, HOUR, MINUTE, waitForDetail, type GatesView } from "./support.js";

const S = "shop";
const plain: EnvironmentSpec = { target: { driver: "process", replicas: 1 }, strategy: { type: "blue-green" } };
const gated = (extra: EnvironmentSpec): EnvironmentSpec => ({ ...plain, ...extra });

describe("gates through the engine, the API and the CLI (sqlite)", () => {
  let fx: PlaneFixture;
  const clock = new OffsetClock();
  const envs: Record<string, EnvironmentSpec> = {
    staging: plain,
    promo: gated({ requires: { promoted_from: "staging" } }),
    soak: gated({ requires: { promoted_from: "staging", soak: "10m" } }),
  };
  const apply = () => fx.api.apply(helloYaml(S, envs));
  const cli = (args: string[]) => runCli(["--server", fx.plane.url, "--token", fx.api.token, ...args]);
  const deployOk = async (env: string, version: string) => {
    const detail = await waitForEnd(fx.api, await fx.api.deploy(S, env, version));
    assert.equal(detail.deployment.state, "succeeded", summarize(detail));
    return detail;
  };

  before(async () => {
    fx = await startPlane("sqlite", { clock });
    await apply();
    for (const v of ["1.0.0", "1.1.0", "1.2.0", "2.0.0"]) await fx.pushHello(S, v);
  });
  after(async () => {
    await fx?.cleanup();
  });

  test("promotion alone: a version that never succeeded upstream is rejected, naming `slipway promote`; one that did runs", async () => {
    // Dry run first: nothing has run in staging yet.
    const dry = await fx.api.ok<GatesView>("GET", gatesQuery(S, "promo", "1.0.0"));
    assert.equal(dry.verdict, "refuse");
    assert.equal(dry.gates.length, 1);
    assert.match(dry.gates[0]!.facts, /^1\.0\.0 \([0-9a-f]{12}…\) never succeeded in staging; staging runs nothing yet$/);
    assert.equal(dry.gates[0]!.remedy, `deploy 1.0.0 to staging first and let it verify, then slipway promote ${S} --from staging --to promo`);
    const cliDry = await cli(["deploy", S, "1.0.0", "--env", "promo", "--dry-run"]);
    assert.equal(cliDry.code, 1, cliDry.stdout + cliDry.stderr);
    assert.match(cliDry.stdout, /shop 1\.0\.0 → promo: would be rejected/);
    assert.match(cliDry.stdout, /FAILED +promotion: 1\.0\.0 \([0-9a-f]{12}…\) never succeeded in staging; staging runs nothing yet\n +→ deploy 1\.0\.0 to staging first and let it verify, then slipway promote shop --from staging --to promo/);

    const rejected = await waitForEnd(fx.api, await fx.api.deploy(S, "promo", "1.0.0"));
    assert.equal(rejected.deployment.state, "rejected", summarize(rejected));
    assert.match(rejected.deployment.error!, /^promotion: 1\.0\.0 \([0-9a-f]{12}…\) never succeeded in staging; staging runs nothing yet$/);
    assert.match(rejected.deployment.errorHint!, /slipway promote shop --from staging --to promo/);
    assert.ok(actionsOf(rejected).includes("gate.evaluated"));
    assert.equal(rejected.steps.length, 0, "a rejected deployment never planned or started anything");

    await deployOk("staging", "1.0.0");
    // Another version while staging runs 1.0.0: the remedy says to promote what staging runs.
    const other = await waitForEnd(fx.api, await fx.api.deploy(S, "promo", "1.1.0"));
    assert.equal(other.deployment.state, "rejected", summarize(other));
    assert.match(other.deployment.error!, /^promotion: 1\.1\.0 \([0-9a-f]{12}…\) never succeeded in staging; staging runs 1\.0\.0 \([0-9a-f]{12}…\)$/);
    assert.match(other.deployment.errorHint!, /^promote what staging runs with slipway promote shop --from staging --to promo, or deploy 1\.1\.0 to staging first$/);

    const passing = await cli(["deploy", S, "1.0.0", "--env", "promo", "--dry-run"]);
    assert.equal(passing.code, 0, passing.stdout + passing.stderr);
    assert.match(passing.stdout, /shop 1\.0\.0 → promo: would run now/);
    assert.match(passing.stdout, /passed +promotion: 1\.0\.0 \([0-9a-f]{12}…\) succeeded in staging at \d{4}-\d\d-\d\d \d\d:\d\d UTC and still runs there/);
    const ok = await deployOk("promo", "1.0.0");
    const evaluated = ok.timeline.find((e) => e.action === "gate.evaluated") ?? ok.timeline.find((e) => e.action === "deployment.started");
    assert.ok(evaluated, `the gate results are on the record: ${actionsOf(ok).join(", ")}`);
  });

  test("soak alone: waits with the time left, then proceeds once the clock has passed the soak (no sleeping)", async () => {
    await deployOk("staging", "1.1.0");
    const dry = await fx.api.ok<GatesView>("GET", gatesQuery(S, "soak", "1.1.0"));
    assert.equal(dry.verdict, "wait");
    assert.deepEqual(dry.gates.map((g) => [g.gate, g.outcome]), [["promotion", "pass"], ["soak", "wait"]]);
    const cliDry = await cli(["deploy", S, "1.1.0", "--env", "soak", "--dry-run"]);
    assert.equal(cliDry.code, 1, cliDry.stdout + cliDry.stderr);
    assert.match(cliDry.stdout, /would wait/);
    assert.match(cliDry.stdout, /passed +promotion: /);
    assert.match(cliDry.stdout, /FAILED +soak: 1\.1\.0 has run in staging for \d+s of the required 10m \(\d+m(\d+s)? left\)|FAILED +soak: 1\.1\.0 has run in staging for \d+s of the required 10m \(10m left\)/);
    assert.match(cliDry.stdout, /→ wait until \d{4}-\d\d-\d\d \d\d:\d\d UTC; the soak completes by itself if staging stays healthy/);

    const id = await fx.api.deploy(S, "soak", "1.1.0");
    const waiting = await waitForDetail(fx.api, id, "waiting for the soak", (d) => d.deployment.waitingFor !== null);
    assert.equal(waiting.deployment.state, "queued", "a soak wait needs no person: it stays queued");
    assert.match(waiting.deployment.waitingFor!, /^soak: 1\.1\.0 has run in staging for \d+s of the required 10m \(.+ left\); wait until .+ UTC; the soak completes by itself if staging stays healthy$/);
    assert.equal(waiting.steps.length, 0);

    clock.jump(10 * MINUTE + 1_000);
    const done = await waitForEnd(fx.api, id);
    assert.equal(done.deployment.state, "succeeded", summarize(done));
    assert.equal(done.deployment.waitingFor, null);
    const verdicts = done.timeline.filter((e) => e.action === "gate.evaluated").map((e) => (e.payload as { verdict: string }).verdict);
    assert.equal(verdicts[0], "wait", `timeline: ${actionsOf(done).join(", ")}`);
  });

  test("a change window: outside it the deployment waits (queued, saying when it opens), and starts once it is open", async () => {
    const opens = ceilMinute(clock.now() + 2 * HOUR);
    envs.win = gated({ windows: { allow: [dailyWindow(opens, opens + HOUR)] } });
    await apply();
    const text = dailyWindow(opens, opens + HOUR);

    const dry = await fx.api.ok<GatesView>("GET", gatesQuery(S, "win", "1.0.0"));
    assert.equal(dry.verdict, "wait");
    assert.equal(dry.gates[0]!.gate, "window");
    assert.match(dry.gates[0]!.facts, new RegExp(`^outside ${text} \\(now \\w{3} \\d\\d:\\d\\d in UTC\\); next opens \\w{3} \\d\\d:\\d\\d \\(in 2h(0\\dm)?\\)$`));
    const cliDry = await cli(["deploy", S, "1.0.0", "--env", "win", "--dry-run"]);
    assert.equal(cliDry.code, 1, cliDry.stdout + cliDry.stderr);
    assert.match(cliDry.stdout, /would wait\n +FAILED +window: outside daily .* UTC .*; next opens .*\n +→ the deployment waits and starts when the window opens; or override with --override-window --reason "…" \(needs the admin role or an emergency grant\)/);

    const id = await fx.api.deploy(S, "win", "1.0.0");
    const waiting = await waitForDetail(fx.api, id, "waiting for the window", (d) => d.deployment.waitingFor !== null);
    assert.equal(waiting.deployment.state, "queued", "outside a window the engine waits (queued), it does not reject");
    assert.match(waiting.deployment.waitingFor!, new RegExp(`^window: outside ${text} .*; next opens .*; the deployment waits and starts when the window opens; or override with --override-window`));
    const row = await fx.plane.store.db.selectFrom("deployments").select(["not_before"]).where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.not_before, opens, "it is looked at again when the window opens");

    clock.jump(opens - clock.now() + MINUTE);
    const done = await waitForEnd(fx.api, id);
    assert.equal(done.deployment.state, "succeeded", summarize(done));
  });

  test("a freeze: the deployment waits while it is in force (its reason quoted) and starts after it ends", async () => {
    const start = ceilMinute(clock.now()) - 2 * MINUTE;
    const end = start + HOUR;
    envs.frz = gated({ windows: { freeze: [freeze(start, end, "quarter close")] } });
    await apply();

    const cliDry = await cli(["deploy", S, "1.0.0", "--env", "frz", "--dry-run"]);
    assert.equal(cliDry.code, 1, cliDry.stdout + cliDry.stderr);
    assert.match(cliDry.stdout, /FAILED +freeze: \S+\.\.\S+ UTC "quarter close" is in force until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in \d+m\)/);

    const id = await fx.api.deploy(S, "frz", "1.0.0");
    const waiting = await waitForDetail(fx.api, id, "waiting for the freeze", (d) => d.deployment.waitingFor !== null);
    assert.equal(waiting.deployment.state, "queued");
    assert.match(waiting.deployment.waitingFor!, /^freeze: \S+\.\.\S+ UTC "quarter close" is in force until .* UTC \(in \d+m\); the deployment waits and starts when the freeze ends; or override/);

    clock.jump(end - clock.now() + MINUTE);
    const done = await waitForEnd(fx.api, id);
    assert.equal(done.deployment.state, "succeeded", summarize(done));
    const passing = await fx.api.ok<GatesView>("GET", gatesQuery(S, "frz", "1.0.0"));
    assert.equal(passing.verdict, "pass");
    assert.equal(passing.gates[0]!.facts, "none in force");
  });

  test("all gates together: refusing gates are named (and only they); waits for soak and approval in turn; then it runs", async () => {
    const now = clock.now();
    envs.all = gated({
      requires: { promoted_from: "staging", soak: "10m", approvals: { count: 1 } },
      windows: { allow: [dailyWindow(ceilMinute(now) - HOUR, ceilMinute(now) + 6 * HOUR)], freeze: [freeze(ceilMinute(now) + 12 * HOUR, ceilMinute(now) + 13 * HOUR, "night freeze")] },
    });
    await apply();
    await deployOk("staging", "1.2.0");

    // Never in staging: promotion and soak refuse; approvals would only wait; window and freeze pass.
    const rejected = await waitForEnd(fx.api, await fx.api.deploy(S, "all", "2.0.0"));
    assert.equal(rejected.deployment.state, "rejected", summarize(rejected));
    assert.match(rejected.deployment.error!, /^promotion: 2\.0\.0 .* never succeeded in staging; staging runs 1\.2\.0 .*; soak: cannot start: 2\.0\.0 has not succeeded in staging$/);
    assert.doesNotMatch(rejected.deployment.error!, /approvals|window|freeze/);
    assert.match(rejected.deployment.errorHint!, /slipway promote shop --from staging --to all/);

    const dry = await cli(["deploy", S, "1.2.0", "--env", "all", "--dry-run"]);
    assert.equal(dry.code, 1, dry.stdout + dry.stderr);
    const lines = dry.stdout.split("\n").filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(" "));
    assert.deepEqual(lines, ["passed promotion:", "FAILED soak:", "FAILED approvals:", "passed window:", "passed freeze:"], dry.stdout);
    assert.match(dry.stdout, /FAILED +approvals: 0 of 1 \(needs a user with role approver\)\n +→ ask a user with role approver to run slipway approve <deployment id>/);
    assert.match(dry.stdout, /passed +freeze: none in force; next: \S+ UTC "night freeze" begins .* \(in 1[12]h\d\dm\)/);

    const id = await fx.api.deploy(S, "all", "1.2.0");
    const waiting = await waitForDetail(fx.api, id, "awaiting approval", (d) => d.deployment.state === "awaiting_approval");
    assert.match(waiting.deployment.waitingFor!, /^soak: 1\.2\.0 has run in staging for .* of the required 10m .*; approvals: 0 of 1 \(needs a user with role approver\); ask a user with role approver to run slipway approve /);
    const approved = await fx.api.ok<{ recorded: boolean; note: string }>("POST", `/deployments/${id}/approve`, { comment: "looks good" });
    assert.equal(approved.recorded, true);
    assert.match(approved.note, /^approvals: 1 of 1 \(approved by admin\)$/);
    const soaking = await waitForDetail(fx.api, id, "waiting only for the soak", (d) => d.deployment.waitingFor !== null && !d.deployment.waitingFor.includes("approvals"));
    assert.match(soaking.deployment.waitingFor!, /^soak: /);
    assert.equal(soaking.deployment.state, "awaiting_approval", `approved but still soaking: ${summarize(soaking)}`);

    clock.jump(10 * MINUTE + 1_000);
    const done = await waitForEnd(fx.api, id);
    assert.equal(done.deployment.state, "succeeded", summarize(done));
    assert.ok(actionsOf(done).includes("approval.recorded"));
  });
});
