/**
 * A good version deploys and serves on the environment's router port, for each strategy
 * (rolling, blue-green, canary with the previous version present), on SQLite and PostgreSQL,
 * with steady client traffic that sees no failure while versions change.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_DIALECTS } from "../src/store/testing.js";
import { canaryEnv, helloYaml, startPlane, type PlaneFixture } from "./helpers/fixture.js";
import { summarize, waitForEnd } from "./helpers/http.js";
import { loadSummary, startLoad } from "./helpers/load.js";
import { settleOrphans } from "./helpers/processes.js";

const SERVICE = "strat";
const ENVIRONMENTS = {
  dev: {
    target: { driver: "process", replicas: 2 },
    strategy: { type: "rolling", batch: 1 },
    verify: { probes: [{ http: "/healthz", expect_status: 200 }] },
  },
  staging: {
    target: { driver: "process", replicas: 2 },
    strategy: { type: "blue-green" },
    verify: { probes: [{ http: "/", expect_body: "hello" }] },
  },
  prod: canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "5s" }, { weight: 100 }] }),
};
const ENV_NAMES = Object.keys(ENVIRONMENTS);

for (const dialect of TEST_DIALECTS) {
  describe(`deploying a good version with each strategy (${dialect})`, () => {
    let fx: PlaneFixture;
    before(async () => {
      fx = await startPlane(dialect);
      await fx.api.apply(helloYaml(SERVICE, ENVIRONMENTS));
      await fx.pushHello(SERVICE, "1.0.0");
      await fx.pushHello(SERVICE, "2.0.0");
    });
    after(() => fx?.cleanup());

    test("the first version deploys to every environment and answers on its router port", async () => {
      const ids = await Promise.all(ENV_NAMES.map((env) => fx.api.deploy(SERVICE, env, "1.0.0")));
      const details = await Promise.all(ids.map((id) => waitForEnd(fx.api, id)));
      for (const d of details) assert.equal(d.deployment.state, "succeeded", summarize(d));
      for (const env of ENV_NAMES) {
        const url = await fx.api.routerUrl(SERVICE, env);
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(url);
        assert.equal(res.status, 200);
        assert.equal((await res.text()).trim(), "hello from 1.0.0", `${env} answers with the new version`);
      }
    });

    test("the next version replaces it under steady traffic: rolling, blue-green, canary, no failed request", async () => {
      const urls = await Promise.all(ENV_NAMES.map((env) => fx.api.routerUrl(SERVICE, env)));
      const loads = urls.map((url) => startLoad(url, { concurrency: 2, maxDurationMs: 120_000 }));
      let reports;
      try {
        const ids = await Promise.all(ENV_NAMES.map((env) => fx.api.deploy(SERVICE, env, "2.0.0")));
        const details = await Promise.all(ids.map((id) => waitForEnd(fx.api, id)));
        for (const d of details) assert.equal(d.deployment.state, "succeeded", summarize(d));
        const canary = details[ENV_NAMES.indexOf("prod")]!;
        assert.equal(canary.deployment.previousVersion, "1.0.0");
        assert.ok(canary.steps.some((s) => s.params.kind === "analyse" && s.state === "done"), summarize(canary));
        assert.ok(canary.decisions.some((x) => x.check === "error-rate" && x.verdict === "pass"), `a passing error-rate decision: ${JSON.stringify(canary.decisions)}`);
        // A moment of traffic after the switch, so each load saw the new version.
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        reports = await Promise.all(loads.map((l) => l.stop()));
      }
      reports.forEach((r, i) => {
        const env = ENV_NAMES[i]!;
        assert.equal(r.failures.length, 0, `${env}: ${loadSummary(r)}`);
        assert.ok(r.sent > 50, `${env}: the load ran (${loadSummary(r)})`);
        assert.deepEqual(Object.keys(r.versions).sort(), ["1.0.0", "2.0.0"], `${env}: answers came from the old, then the new version (${loadSummary(r)})`);
      });
      for (const env of ENV_NAMES) {
        const res = await fetch(await fx.api.routerUrl(SERVICE, env));
        assert.equal((await res.text()).trim(), "hello from 2.0.0", `${env} now serves 2.0.0`);
      }
      const { environments } = await fx.api.ok<{ environments: { environment: string; version: string; replicas: { running: number } }[] }>("GET", `/status?service=${SERVICE}`);
      for (const e of environments) assert.equal(e.version, "2.0.0", JSON.stringify(e));
      const running = await fx.plane.store.db.selectFrom("replicas").select(["environment", "version"]).where("state", "=", "running").execute();
      assert.deepEqual(
        running.map((r) => `${r.environment}:${r.version}`).sort(),
        ["dev:2.0.0", "dev:2.0.0", "prod:2.0.0", "staging:2.0.0", "staging:2.0.0"],
        "only the new version's replicas are running, as many as each target asks for",
      );
      assert.deepEqual(await settleOrphans(fx.plane.store, fx.dataDir, 5_000), []);
    });
  });
}
