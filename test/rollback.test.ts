/**
 * Failed verification rolls back on its own, and clients at the router never notice:
 * - a version whose readiness never passes (its /healthz answers 404; or it exits at start);
 * - a canary answering 20 % 500s, caught by analysis during the pause under steady traffic;
 * - a canary that gets too little traffic: inconclusive, never passed (unless on_inconclusive: pass).
 * Each on SQLite and PostgreSQL.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_DIALECTS } from "../src/store/testing.js";
import { canaryEnv, helloYaml, startPlane, type PlaneFixture } from "./helpers/fixture.js";
import { summarize, waitForEnd } from "./helpers/http.js";
import { loadSummary, startLoad } from "./helpers/load.js";
import { settleOrphans } from "./helpers/processes.js";

/** A build that starts and answers, but whose readiness path answers 404. */
const NEVER_READY = `import { createServer } from "node:http";
createServer((req, res) => {
  if (req.url === "/healthz") return res.writeHead(404).end("not here\\n");
  res.writeHead(200).end("hello from broken\\n");
}).listen(Number(process.env.PORT), "127.0.0.1");
`;
/** A build that exits at start (say, it cannot reach its database). */
const EXITS = `console.error("cannot reach the database, giving up"); process.exit(3);\n`;

const CANARY_PAUSE_MS = 30_000;

for (const dialect of TEST_DIALECTS) {
  describe(`automatic rollback (${dialect})`, () => {
    let fx: PlaneFixture;
    before(async () => {
      fx = await startPlane(dialect);
      await fx.api.apply(
        helloYaml(
          "ready",
          {
            web: { target: { driver: "process", replicas: 2 }, strategy: { type: "rolling", batch: 1 } },
            api: { target: { driver: "process", replicas: 2 }, strategy: { type: "blue-green" } },
          },
          { readinessTimeout: "3s" },
        ),
      );
      await fx.api.apply(
        helloYaml("canary", {
          prod: canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: `${CANARY_PAUSE_MS / 1000}s` }, { weight: 100 }] }),
          strict: canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "2s" }, { weight: 100 }] }),
          lenient: canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "2s" }, { weight: 100 }], onInconclusive: "pass" }),
        }),
      );
      await fx.pushHello("ready", "1.0.0");
      await fx.pushHello("ready", "2.0.0", { serverJs: NEVER_READY });
      await fx.pushHello("ready", "3.0.0", { serverJs: EXITS });
      await fx.pushHello("canary", "1.0.0");
      await fx.pushHello("canary", "1.1.0");
      await fx.pushHello("canary", "1.2.0", { failRate: 0.2 });
      const first = await Promise.all([
        fx.api.deploy("ready", "web", "1.0.0"),
        fx.api.deploy("ready", "api", "1.0.0"),
        fx.api.deploy("canary", "prod", "1.0.0"),
        fx.api.deploy("canary", "strict", "1.0.0"),
        fx.api.deploy("canary", "lenient", "1.0.0"),
      ]);
      for (const d of await Promise.all(first.map((id) => waitForEnd(fx.api, id)))) assert.equal(d.deployment.state, "succeeded", summarize(d));
    });
    after(() => fx?.cleanup());

    test("a version that never becomes ready is rolled back; the old version never stops serving", async () => {
      const webUrl = await fx.api.routerUrl("ready", "web");
      const apiUrl = await fx.api.routerUrl("ready", "api");
      const loads = [startLoad(webUrl, { concurrency: 2 }), startLoad(apiUrl, { concurrency: 2 })];
      let reports;
      let details;
      try {
        // Rolling with a build whose /healthz is 404; blue-green with a build that exits.
        const ids = await Promise.all([fx.api.deploy("ready", "web", "2.0.0"), fx.api.deploy("ready", "api", "3.0.0")]);
        details = await Promise.all(ids.map((id) => waitForEnd(fx.api, id)));
      } finally {
        reports = await Promise.all(loads.map((l) => l.stop()));
      }
      for (const d of details) {
        assert.equal(d.deployment.state, "rolled_back", summarize(d));
        assert.match(d.deployment.error ?? "", /never became ready/, summarize(d));
        const failed = d.steps.find((s) => s.state === "failed");
        assert.equal(failed?.params.kind, "wait_ready", summarize(d));
        assert.ok(!d.steps.some((s) => s.params.kind === "shift" && s.state === "done"), `no traffic was ever shifted: ${summarize(d)}`);
        assert.ok(d.timeline.some((e) => e.action === "traffic.restored"), "the rollback is on the record");
      }
      assert.match(details[1]!.deployment.error ?? "", /exited/, "the exiting build is reported as exited");
      for (const r of reports) {
        assert.equal(r.failures.length, 0, loadSummary(r));
        assert.ok(r.sent > 20, loadSummary(r));
        assert.deepEqual(Object.keys(r.versions), ["1.0.0"], `every answer came from the old version: ${loadSummary(r)}`);
      }
      const running = await fx.plane.store.db.selectFrom("replicas").select(["environment", "version"]).where("service", "=", "ready").where("state", "=", "running").execute();
      assert.deepEqual(running.map((r) => `${r.environment}:${r.version}`).sort(), ["api:1.0.0", "api:1.0.0", "web:1.0.0", "web:1.0.0"]);
      assert.deepEqual(await settleOrphans(fx.plane.store, fx.dataDir, 5_000), []);
    });

    test("a canary answering 20 % 500s is rolled back during analysis under steady traffic, with the numbers on record", async () => {
      const url = await fx.api.routerUrl("canary", "prod");
      const load = startLoad(url, { concurrency: 4 });
      let report;
      let detail;
      try {
        const id = await fx.api.deploy("canary", "prod", "1.2.0");
        detail = await waitForEnd(fx.api, id);
        // Traffic after the rollback must all reach the old version again.
        const afterRollback = load.report().sent;
        while (load.report().sent < afterRollback + 40) await new Promise((r) => setTimeout(r, 50));
      } finally {
        report = await load.stop();
      }
      const d = detail.deployment;
      assert.equal(d.state, "rolled_back", summarize(detail));
      assert.match(d.error ?? "", /analysis failed/, summarize(detail));
      const analyse = detail.steps.find((s) => s.params.kind === "analyse")!;
      assert.equal(analyse.state, "failed", "the analysis step itself failed (not the end of the pause)");
      assert.ok(d.finishedAt! < analyse.startedAt! + CANARY_PAUSE_MS, "rolled back before the pause was over");
      const fail = detail.decisions.find((x) => x.verdict === "fail");
      assert.ok(fail, `a failing decision is stored: ${JSON.stringify(detail.decisions)}`);
      assert.equal(fail.check, "error-rate");
      const numbers = fail.numbers as { requests: number; value: number; limit: number; minRequests: number };
      assert.ok(numbers.requests >= 20, `enough requests were judged: ${JSON.stringify(numbers)}`);
      assert.ok(numbers.value > 0.1 && numbers.value < 0.3, `the stored error rate is the canary's ~20 %: ${JSON.stringify(numbers)}`);
      assert.equal(numbers.limit, 0.05);
      assert.match(fail.reason, /\d/, "the reason carries the numbers");
      // Clients saw the canary's own 500s and nothing else: no connection failed, the old version never failed.
      assert.ok((report.versions["1.2.0"] ?? 0) > 0, `the canary got traffic: ${loadSummary(report)}`);
      for (const f of report.failures) {
        assert.equal(f.kind, "status", loadSummary(report));
        assert.match(f.detail, /^hello 1\.2\.0 failed/, loadSummary(report));
      }
      const tail = await fetch(url);
      assert.equal((await tail.text()).trim(), "hello from 1.0.0");
      const running = await fx.plane.store.db.selectFrom("replicas").select("version").where("environment", "=", "prod").where("state", "=", "running").execute();
      assert.deepEqual(running.map((r) => r.version), ["1.0.0"]);
      assert.deepEqual(await settleOrphans(fx.plane.store, fx.dataDir, 5_000), []);
    });

    test("a canary with too little traffic is inconclusive, not passed: rolled back, unless on_inconclusive: pass", async () => {
      const ids = await Promise.all([fx.api.deploy("canary", "strict", "1.1.0"), fx.api.deploy("canary", "lenient", "1.1.0")]);
      const [strict, lenient] = await Promise.all(ids.map((id) => waitForEnd(fx.api, id)));
      assert.equal(strict!.deployment.state, "rolled_back", summarize(strict!));
      assert.match(strict!.deployment.error ?? "", /inconclusive/, summarize(strict!));
      assert.ok(strict!.decisions.length > 0, "decisions were stored");
      assert.ok(strict!.decisions.every((x) => x.verdict === "inconclusive"), `no decision passed: ${JSON.stringify(strict!.decisions)}`);
      const numbers = strict!.decisions[0]!.numbers as { requests: number; minRequests: number };
      assert.ok(numbers.requests < numbers.minRequests, JSON.stringify(numbers));
      assert.equal((await (await fetch(await fx.api.routerUrl("canary", "strict"))).text()).trim(), "hello from 1.0.0");

      assert.equal(lenient!.deployment.state, "succeeded", summarize(lenient!));
      assert.ok(lenient!.decisions.some((x) => x.verdict === "inconclusive"), JSON.stringify(lenient!.decisions));
      assert.equal((await (await fetch(await fx.api.routerUrl("canary", "lenient"))).text()).trim(), "hello from 1.1.0");
      assert.deepEqual(await settleOrphans(fx.plane.store, fx.dataDir, 5_000), []);
    });
  });
}
