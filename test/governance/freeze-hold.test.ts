/**
 * A freeze that begins during a canary's pause holds the canary before its next traffic shift:
 * traffic stays at the canary's weight (in the router itself and in `slipway status`), the
 * deployment says what holds it (waiting_for "held: …", a `deployment.held` audit event,
 * `slipway show`), and once the freeze ends it resumes and succeeds. The clock is an injected
 * OffsetClock jumped past the pause into the freeze and then past the freeze: no sleeping for
 * either; the only real waits are bounded polls for the engine to notice.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OffsetClock } from "../../src/core/index.js";
import { canaryEnv, helloYaml, startPlane, type PlaneFixture } from "../helpers/fixture.js";
import { summarize, waitForEnd } from "../helpers/http.js";
import { runCli } from "../helpers/processes.js";
import { actionsOf, ceilMinute, freeze, HOUR, MINUTE, waitForDetail } from "./support.js";

const S = "cny";

describe("a freeze reached mid-canary holds the next shift (sqlite)", () => {
  let fx: PlaneFixture;
  const clock = new OffsetClock();
  let freezeStart: number;

  before(async () => {
    fx = await startPlane("sqlite", { clock });
    freezeStart = ceilMinute(clock.now() + 30 * MINUTE);
    const prod = {
      ...canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "10m" }, { weight: 100 }], onInconclusive: "pass" }),
      windows: { freeze: [freeze(freezeStart, freezeStart + HOUR, "release freeze")] },
    };
    await fx.api.apply(helloYaml(S, { prod }));
    await fx.pushHello(S, "1.0.0");
    await fx.pushHello(S, "1.1.0");
    const first = await waitForEnd(fx.api, await fx.api.deploy(S, "prod", "1.0.0"));
    assert.equal(first.deployment.state, "succeeded", summarize(first));
  });
  after(async () => {
    await fx?.cleanup();
  });

  const routeWeights = async () => {
    const route = (await fx.plane.engine.ctx.router.listRoutes()).find((r) => r.key === `${S}/prod`);
    return Object.fromEntries((route?.backends ?? []).filter((b) => b.weight > 0).map((b) => [b.version, b.weight]));
  };
  const statusWeights = async () => {
    const { environments } = await fx.api.ok<{ environments: { environment: string; weights: { version: string; weight: number }[] }[] }>("GET", `/status?service=${S}`);
    return Object.fromEntries(environments.find((e) => e.environment === "prod")!.weights.filter((w) => w.weight > 0).map((w) => [w.version, w.weight]));
  };
  const cli = (args: string[]) => runCli(["--server", fx.plane.url, "--token", fx.api.token, ...args]);

  test("held at 50 % while the freeze is in force, on the record; resumes and succeeds after it", async () => {
    const id = await fx.api.deploy(S, "prod", "1.1.0");
    const analysing = await waitForDetail(fx.api, id, "the canary's analyse step running", (d) => d.steps.some((s) => s.params.kind === "analyse" && s.state === "running"));
    const analyseIdx = analysing.steps.find((s) => s.params.kind === "analyse")!.idx;
    assert.deepEqual(await routeWeights(), { "1.0.0": 50, "1.1.0": 50 });

    // Past the 10 m pause and into the freeze, in one jump.
    clock.jump(freezeStart + MINUTE - clock.now());
    const held = await waitForDetail(fx.api, id, "held before the next shift", (d) => d.deployment.waitingFor?.startsWith("held: ") ?? false);
    assert.match(
      held.deployment.waitingFor!,
      /^held: freeze: \S+\.\.\S+ UTC "release freeze" is in force until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in \d+m\); traffic stays where it is and the next shift waits until the freeze ends; or override with --override-window/,
    );
    assert.equal(held.deployment.state, "verifying", summarize(held));
    assert.equal(held.steps.find((s) => s.idx === analyseIdx)!.state, "done", "the pause ended; the hold is before the next shift");
    const next = held.steps.find((s) => s.idx > analyseIdx && s.params.kind === "shift")!;
    assert.notEqual(next.state, "done", "the 100 % shift has not happened");
    const heldEvent = held.timeline.find((e) => e.action === "deployment.held");
    assert.ok(heldEvent, `timeline: ${actionsOf(held).join(", ")}`);
    assert.match((heldEvent.payload as { reason: string }).reason, /^freeze: .*"release freeze" is in force/);

    // Traffic stays where it was: in the router daemon, in the status API, in `slipway status`.
    assert.deepEqual(await routeWeights(), { "1.0.0": 50, "1.1.0": 50 });
    assert.deepEqual(await statusWeights(), { "1.0.0": 50, "1.1.0": 50 });
    const status = await cli(["status", S]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /1\.0\.0 50%, 1\.1\.0 50%/);
    const shown = await cli(["show", id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^waiting: +held: freeze: .*"release freeze" is in force/m);
    assert.match(shown.stdout, /held: freeze: /);
    assert.equal((await fx.api.show(id)).deployment.state, "verifying", "still held");
    assert.deepEqual(await routeWeights(), { "1.0.0": 50, "1.1.0": 50 });

    // Past the freeze: the hold re-checks (at most every 5 s of real time) and the canary completes.
    clock.jump(freezeStart + HOUR + MINUTE - clock.now());
    const done = await waitForEnd(fx.api, id, 60_000);
    assert.equal(done.deployment.state, "succeeded", summarize(done));
    assert.equal(done.deployment.waitingFor, null);
    const actions = actionsOf(done);
    assert.ok(actions.indexOf("deployment.resumed") > actions.indexOf("deployment.held"), actions.join(", "));
    assert.equal(actions.filter((a) => a === "deployment.held").length, 1, "one hold, recorded once");
    assert.deepEqual(await routeWeights(), { "1.1.0": 100 });
  });
});
