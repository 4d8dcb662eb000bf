/**
 * Break-glass and promotion end to end. An override of a freeze without the admin role or an
 * emergency grant is refused (403 naming what is needed, in the API and the CLI) and creates
 * nothing; with either, and a reason, the deployment runs through the freeze and the override
 * is on the record: a `deployment.override` audit event, `slipway show`, the evidence bundle.
 * `slipway promote` deploys exactly the digest the source environment runs.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listAuditEvents, verifyEvidenceBundle, type EvidenceBundle } from "../../src/audit/index.js";
import { OffsetClock } from "../../src/core/index.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { helloYaml, startPlane, type EnvironmentSpec, type PlaneFixture } from "../helpers/fixture.js";
import { summarize, waitForEnd, type Api } from "../helpers/http.js";
import { runCli } from "../helpers/processes.js";
import { ceilMinute, freeze, gatesQuery, HOUR, MINUTE, tokenApi, waitForDetail, type GatesView } from "./support.js";

const S = "brk";
const plain: EnvironmentSpec = { target: { driver: "process", replicas: 1 }, strategy: { type: "blue-green" } };
const NEEDS = 'token "deb" cannot override change windows or freezes: that needs the admin role or an emergency grant';

interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

for (const dialect of TEST_DIALECTS) {
  describe(`override and promote (${dialect})`, () => {
    let fx: PlaneFixture;
    const clock = new OffsetClock();
    let deb: Api; // a plain deployer
    let em: Api; // a deployer with the emergency grant
    const digests: Record<string, string> = {};

    before(async () => {
      fx = await startPlane(dialect, { clock });
      const now = ceilMinute(clock.now());
      await fx.api.apply(
        helloYaml(S, {
          staging: plain,
          qa: plain,
          prod: { ...plain, windows: { freeze: [freeze(now - 2 * MINUTE, now + 24 * HOUR, "incident freeze")] } },
          live: { ...plain, requires: { promoted_from: "staging" } },
        }),
      );
      for (const v of ["1.0.0", "1.1.0"]) digests[v] = await fx.pushHello(S, v);
      deb = await tokenApi(fx.api, "deb", "deployer");
      em = await tokenApi(fx.api, "em", "deployer", { grants: ["emergency"] });
    });
    after(async () => {
      await fx?.cleanup();
    });

    const cliAs = (api: Api, args: string[]) => runCli(["--server", fx.plane.url, "--token", api.token, ...args]);
    const countDeployments = async () => (await fx.api.ok<{ deployments: unknown[] }>("GET", `/deployments?service=${S}&environment=prod`)).deployments.length;

    test("an override without the admin role or an emergency grant is refused and creates nothing", async () => {
      const refused = await deb.call<ErrorBody>("POST", "/deployments", { service: S, environment: "prod", version: "1.0.0", override_window: true, reason: "hotfix" });
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.error.message, NEEDS);
      assert.match(refused.body.error.hint!, /--grant emergency/);
      const viaCli = await cliAs(deb, ["deploy", S, "1.0.0", "--env", "prod", "--override-window", "--reason", "hotfix"]);
      assert.notEqual(viaCli.code, 0, viaCli.stdout);
      assert.ok(viaCli.stderr.includes(NEEDS), viaCli.stderr);
      const promoteRefused = await deb.call<ErrorBody>("POST", "/promotions", { service: S, from: "staging", to: "prod", override_window: true, reason: "hotfix" });
      assert.equal(promoteRefused.status, 403, promoteRefused.text);
      const noReason = await fx.api.call<ErrorBody>("POST", "/deployments", { service: S, environment: "prod", version: "1.0.0", override_window: true });
      assert.equal(noReason.status, 400, noReason.text);
      assert.match(noReason.body.error.message, /--override-window needs --reason/);
      assert.equal(await countDeployments(), 0);

      // A dry run asking for the override as the deployer still fails the freeze, saying why.
      const dry = await deb.ok<GatesView>("GET", `${gatesQuery(S, "prod", "1.0.0")}&override_window=true`);
      assert.equal(dry.verdict, "wait");
      assert.equal(dry.gates[0]!.overridden, undefined);
      assert.match(dry.gates[0]!.facts, /"incident freeze" is in force until/);

      // Without an override, the deployer's deployment simply waits for the freeze to end.
      const id = await deb.deploy(S, "prod", "1.0.0");
      const waiting = await waitForDetail(fx.api, id, "waiting for the freeze", (d) => d.deployment.waitingFor !== null);
      assert.equal(waiting.deployment.state, "queued");
      assert.match(waiting.deployment.waitingFor!, /^freeze: .*"incident freeze" is in force until/);
      const cancelled = await deb.ok<{ deployment: { state: string } }>("POST", `/deployments/${id}/cancel`);
      assert.equal(cancelled.deployment.state, "cancelled");
    });

    test("an admin's override with a reason runs through the freeze and is on the record (audit, show, evidence)", async () => {
      const dry = await cliAs(fx.api, ["deploy", S, "1.0.0", "--env", "prod", "--dry-run", "--override-window"]);
      assert.equal(dry.code, 0, dry.stdout + dry.stderr);
      assert.match(dry.stdout, /would run now\n +overridden freeze: .*"incident freeze" is in force until .*; overridden by admin: "dry run"/);

      const run = await cliAs(fx.api, ["deploy", S, "1.0.0", "--env", "prod", "--override-window", "--reason", "INC-42: restore checkout", "--json"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const id = (JSON.parse(run.stdout) as { id: string }).id;
      const done = await waitForEnd(fx.api, id);
      assert.equal(done.deployment.state, "succeeded", summarize(done));
      assert.deepEqual(done.deployment.override, { by: "admin", reason: "INC-42: restore checkout" });

      const event = done.timeline.find((e) => e.action === "deployment.override");
      assert.ok(event, done.timeline.map((e) => e.action).join(", "));
      assert.equal(event.actor, "admin");
      assert.deepEqual(event.payload, { gates: ["window", "freeze"], reason: "INC-42: restore checkout" });
      // The hash-chained audit log itself (what the timeline is read from) holds it.
      const logged = await listAuditEvents(fx.plane.store.db, { subject: `deployment/${id}`, limit: 1000 });
      assert.equal(logged.filter((e) => e.action === "deployment.override" && (e.payload as { reason?: string }).reason === "INC-42: restore checkout").length, 1);

      const shown = await cliAs(fx.api, ["show", id]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^override: by admin — INC-42: restore checkout$/m);

      const bundle = await fx.api.ok<EvidenceBundle>("GET", `/deployments/${id}/evidence`);
      assert.deepEqual(verifyEvidenceBundle(bundle).problems, []);
      assert.equal(bundle.overrides.length, 1);
      assert.equal(bundle.overrides[0]!.actor, "admin");
      assert.equal(bundle.overrides[0]!.action, "deployment.override");
      assert.equal(bundle.overrides[0]!.reason, "INC-42: restore checkout");
      const freezeGate = bundle.gates.find((g) => (g as { gate?: string }).gate === "freeze") as { overridden?: boolean } | undefined;
      assert.ok(freezeGate, JSON.stringify(bundle.gates));
      assert.equal(freezeGate.overridden, true);
    });

    test("a deployer token with the emergency grant may override too", async () => {
      const { deployment } = await em.ok<{ deployment: { id: string } }>("POST", "/deployments", { service: S, environment: "prod", version: "1.1.0", override_window: true, reason: "INC-43: second fix" });
      const done = await waitForEnd(fx.api, deployment.id);
      assert.equal(done.deployment.state, "succeeded", summarize(done));
      assert.deepEqual(done.deployment.override, { by: "em", reason: "INC-43: second fix" });
      assert.equal(done.timeline.find((e) => e.action === "deployment.override")?.actor, "em");
    });

    test("promote deploys exactly the digest the source environment runs", async () => {
      const nothing = await fx.api.call<ErrorBody>("POST", "/promotions", { service: S, from: "qa", to: "live" });
      assert.equal(nothing.status, 404, nothing.text);
      assert.match(nothing.body.error.message, /runs nothing in qa to promote/);

      const staged = await waitForEnd(fx.api, await fx.api.deploy(S, "staging", "1.1.0"));
      assert.equal(staged.deployment.state, "succeeded", summarize(staged));
      const promoted = await cliAs(fx.api, ["promote", S, "--from", "staging", "--to", "live", "--wait"]);
      assert.equal(promoted.code, 0, promoted.stdout + promoted.stderr);
      const id = /^deployment (\S+):/m.exec(promoted.stdout)?.[1];
      assert.ok(id, promoted.stdout);
      const live = await fx.api.show(id);
      assert.equal(live.deployment.state, "succeeded", summarize(live));
      const env = await fx.plane.store.db.selectFrom("environments").select(["environment", "current_digest", "current_version"]).where("service", "=", S).execute();
      const staging = env.find((e) => e.environment === "staging")!;
      const prodLive = env.find((e) => e.environment === "live")!;
      assert.equal(live.deployment.digest, staging.current_digest, "the promoted deployment carries staging's digest");
      assert.equal(prodLive.current_digest, staging.current_digest, "live now runs exactly what staging runs");
      assert.equal(live.deployment.digest, digests["1.1.0"]);
      assert.equal(live.deployment.reason, "promote 1.1.0 from staging");
    });
  });
}
