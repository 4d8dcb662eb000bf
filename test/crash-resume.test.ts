/**
 * kill -9 of the control plane in the middle of a deployment (a blue-green switch, a canary
 * pause), then a restart on the same data directory and database: the deployment ends in a
 * correct, recorded state, no replica process is orphaned, and clients at the router see no
 * failed request at any moment. The server runs as a real child process, on both databases.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { findFreePort } from "../src/net/index.js";
import { openStore, type Store } from "../src/store/index.js";
import { TEST_DIALECTS } from "../src/store/testing.js";
import { canaryEnv, helloYaml, pushHello, stopEverything, tempDir, testDatabase, type TestDatabase } from "./helpers/fixture.js";
import { summarize, waitFor, waitForEnd, type Api } from "./helpers/http.js";
import { loadSummary, startLoad } from "./helpers/load.js";
import { settleOrphans, spawnServer, type ServerProcess } from "./helpers/processes.js";
import type { DeploymentDetail } from "../src/engine/index.js";

const SERVICE = "durable";

for (const dialect of TEST_DIALECTS) {
  describe(`kill -9 of the server mid-deployment, then restart (${dialect})`, () => {
    let dataDir: string;
    let workDir: string;
    let db: TestDatabase;
    let port: number;
    let server: ServerProcess | undefined;
    let store: Store | undefined;
    let starts = 0;
    const api = (): Api => server!.api;
    const start = async () => {
      server = await spawnServer({ dataDir, db: db.url, port, logFile: join(workDir, `server-${++starts}.log`) });
    };

    before(async () => {
      dataDir = await tempDir("crash");
      workDir = await tempDir("crash-work");
      db = await testDatabase(dialect, dataDir);
      port = await findFreePort("127.0.0.1");
      await start();
      await api().apply(
        helloYaml(SERVICE, {
          staging: {
            target: { driver: "process", replicas: 2 },
            strategy: { type: "blue-green" },
            // The smoke command holds each verification step open long enough to kill the server in it.
            verify: { probes: [{ http: "/", expect_body: "hello" }], smoke: ["sleep 1"] },
          },
          prod: canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "6s" }, { weight: 100 }] }),
        }),
      );
      await pushHello(api(), workDir, SERVICE, "1.0.0");
      await pushHello(api(), workDir, SERVICE, "2.0.0");
      const ids = await Promise.all([api().deploy(SERVICE, "staging", "1.0.0"), api().deploy(SERVICE, "prod", "1.0.0")]);
      for (const id of ids) {
        const d = await waitForEnd(api, id);
        assert.equal(d.deployment.state, "succeeded", summarize(d));
      }
      store = await openStore(db.url);
    });

    after(async () => {
      await server?.stop().catch(() => undefined);
      await store?.close().catch(() => undefined);
      await stopEverything(dataDir);
      await db.drop().catch((err: unknown) => console.error(err));
      if (!process.env.SLIPWAY_KEEP_TEST_DATA) {
        await rm(dataDir, { recursive: true, force: true });
        await rm(workDir, { recursive: true, force: true });
      }
    });

    /** Deploys 2.0.0 under load, kills the server when `killPoint` says so, restarts it, and checks the end. */
    async function crashAndResume(environment: string, killPoint: (d: DeploymentDetail) => boolean): Promise<DeploymentDetail> {
      const url = await api().routerUrl(SERVICE, environment);
      const load = startLoad(url, { concurrency: 4, maxDurationMs: 150_000 });
      let report;
      let detail: DeploymentDetail;
      let killedIn: string;
      try {
        const id = await api().deploy(SERVICE, environment, "2.0.0");
        const atKill = await waitFor(`deployment ${id} to reach the kill point`, async () => {
          const d = await api().show(id);
          assert.ok(!["succeeded", "rolled_back", "failed", "rollback_failed"].includes(d.deployment.state), `it ended before the kill point: ${summarize(d)}`);
          return killPoint(d) ? d : undefined;
        }, 60_000, 50);
        await server!.kill9();
        killedIn = summarize(atKill);
        await start();
        detail = await waitForEnd(api, id);
        // Some traffic after the end, all of it on the final version.
        const sentAtEnd = load.report().sent;
        await waitFor("traffic after the end", async () => (load.report().sent > sentAtEnd + 40 ? true : undefined), 30_000, 50);
      } finally {
        report = await load.stop();
      }
      assert.equal(detail.deployment.state, "succeeded", `killed in ${killedIn}; ended ${summarize(detail)}`);
      assert.equal(report.failures.length, 0, `no client request failed at the router: ${loadSummary(report)}`);
      assert.ok(report.sent > 100, loadSummary(report));
      const final = await fetch(url);
      assert.equal((await final.text()).trim(), "hello from 2.0.0");
      const running = await store!.db.selectFrom("replicas").select("version").where("environment", "=", environment).where("state", "=", "running").execute();
      assert.ok(running.length > 0 && running.every((r) => r.version === "2.0.0"), `only 2.0.0 runs in ${environment}: ${JSON.stringify(running)}`);
      assert.deepEqual(await settleOrphans(store!, dataDir, 5_000), [], "no orphaned replica process");
      // The end is on the record, and the chain still verifies across the crash.
      assert.ok(detail.timeline.some((e) => e.action === "deployment.succeeded"), JSON.stringify(detail.timeline.map((e) => e.action)));
      assert.deepEqual((await api().ok<{ ok: boolean }>("GET", "/audit/verify")).ok, true);
      return detail;
    }

    test("killed during a blue-green switch (traffic on the new version, old one not yet drained)", async () => {
      // After the switch to 100 % and before the old version is drained and stopped (the smoke
      // command holds the verification through the router open for a second).
      const detail = await crashAndResume("staging", (d) =>
        d.steps.some((s) => s.params.kind === "shift" && s.state === "done") &&
        d.steps.some((s) => s.params.kind === "stop_old" && s.state !== "done"),
      );
      assert.ok(detail.steps.every((s) => s.state === "done"), summarize(detail));
    });

    test("killed during a canary pause (analysis running on a 50 % split)", async () => {
      const detail = await crashAndResume("prod", (d) =>
        d.steps.some((s) => s.params.kind === "analyse" && s.state === "running") && d.decisions.length > 0,
      );
      assert.ok(detail.decisions.some((x) => x.verdict === "pass"), JSON.stringify(detail.decisions));
    });
  });
}
