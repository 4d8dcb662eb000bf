/**
 * Cancel restores exactly what ran before: the previous version with as many replicas as served
 * it, the traffic split as it was, nothing of the new version left, for a rolling update (some
 * old replicas already stopped), a blue-green switch (traffic already on the new version) and a
 * canary pause; and also when the control plane is killed in the middle of the cancel and comes
 * back. Clients at the router see no failed request. The server runs as a real child process.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DeploymentDetail } from "../src/engine/index.js";
import { findFreePort } from "../src/net/index.js";
import { listRunningReplicas, openStore, type Store } from "../src/store/index.js";
import { canaryEnv, helloYaml, pushHello, stopEverything, tempDir, testDatabase, type TestDatabase } from "./helpers/fixture.js";
import { summarize, waitFor, waitForEnd, type Api } from "./helpers/http.js";
import { loadSummary, startLoad } from "./helpers/load.js";
import { settleOrphans, spawnServer, type ServerProcess } from "./helpers/processes.js";

const SERVICE = "cancellable";
/** Slow starters, so a test can act between steps and in the middle of the restore. */
const READY_AFTER_MS = 1_200;

describe("cancel restores what ran before (sqlite)", () => {
  let dataDir: string;
  let workDir: string;
  let db: TestDatabase;
  let port: number;
  let server: ServerProcess | undefined;
  let store: Store;
  let starts = 0;
  const api = (): Api => server!.api;
  const start = async () => {
    server = await spawnServer({ dataDir, db: db.url, port, logFile: join(workDir, `server-${++starts}.log`) });
  };

  before(async () => {
    dataDir = await tempDir("cancel");
    workDir = await tempDir("cancel-work");
    db = await testDatabase("sqlite", dataDir);
    port = await findFreePort("127.0.0.1");
    await start();
    await api().apply(
      helloYaml(
        SERVICE,
        {
          rolling: { target: { driver: "process", replicas: 3 }, strategy: { type: "rolling", batch: 1 } },
          bluegreen: {
            target: { driver: "process", replicas: 2 },
            strategy: { type: "blue-green" },
            // Holds the verification through the router open, after the switch, long enough to cancel in it.
            verify: { smoke: ["sleep 2"] },
          },
          canary: canaryEnv({ replicas: 2, steps: [{ weight: 50, pause: "60s" }, { weight: 100 }] }),
        },
        { readinessTimeout: "20s" },
      ),
    );
    await pushHello(api(), workDir, SERVICE, "1.0.0", { readyAfterMs: READY_AFTER_MS });
    await pushHello(api(), workDir, SERVICE, "2.0.0", { readyAfterMs: READY_AFTER_MS });
    for (const env of ["rolling", "bluegreen", "canary"]) {
      const d = await waitForEnd(api, await api().deploy(SERVICE, env, "1.0.0"));
      assert.equal(d.deployment.state, "succeeded", summarize(d));
    }
    store = await openStore(db.url);
  });

  after(async () => {
    await server?.stop().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await stopEverything(dataDir);
    if (!process.env.SLIPWAY_KEEP_TEST_DATA) {
      await rm(dataDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    }
  });

  /** What runs in an environment, as a user checks it: versions × replica counts, weights, what answers. */
  async function environmentState(environment: string) {
    const running = await listRunningReplicas(store.db, SERVICE, environment);
    const counts: Record<string, number> = {};
    for (const r of running) counts[r.version] = (counts[r.version] ?? 0) + 1;
    const { environments } = await api().ok<{ environments: { environment: string; version: string; weights: unknown; health: string }[] }>("GET", `/status?service=${SERVICE}`);
    const row = environments.find((e) => e.environment === environment)!;
    return { counts, version: row.version, weights: row.weights, health: row.health };
  }

  /** Deploys 2.0.0 under load, cancels it when `cancelPoint` says so (optionally kills the server mid-restore), checks the end state. */
  async function cancelAndCheck(environment: string, cancelPoint: (d: DeploymentDetail) => boolean, options: { killDuringRestore?: boolean } = {}) {
    const before = await environmentState(environment);
    const url = await api().routerUrl(SERVICE, environment);
    const load = startLoad(url, { concurrency: 3, maxDurationMs: 150_000 });
    let detail: DeploymentDetail;
    let report;
    try {
      const id = await api().deploy(SERVICE, environment, "2.0.0");
      const at = await waitFor(`${id} to reach the cancel point`, async () => {
        const d = await api().show(id);
        assert.ok(!["succeeded", "rolled_back", "failed"].includes(d.deployment.state), `it ended before the cancel point: ${summarize(d)}`);
        return cancelPoint(d) ? d : undefined;
      }, 60_000, 50);
      await api().ok("POST", `/deployments/${id}/cancel`);
      if (options.killDuringRestore) {
        await waitFor(`${id} to be rolling back`, async () => ((await api().show(id)).deployment.state === "rolling_back" ? true : undefined), 30_000, 20);
        await server!.kill9();
        await start();
      }
      detail = await waitForEnd(api, id);
      assert.equal(detail.deployment.state, "cancelled", `cancelled at ${summarize(at)}; ended ${summarize(detail)}`);
      const sentAtEnd = load.report().sent;
      await waitFor("traffic after the cancel", async () => (load.report().sent > sentAtEnd + 30 ? true : undefined), 30_000, 50);
    } finally {
      report = await load.stop();
    }
    const afterCancel = await environmentState(environment);
    assert.deepEqual(afterCancel.counts, before.counts, `the previous replica count is back: ${summarize(detail)}`);
    assert.deepEqual(afterCancel.weights, before.weights, "the traffic split is as it was");
    assert.equal(afterCancel.version, "1.0.0");
    assert.equal(afterCancel.health, "healthy");
    assert.equal(report.failures.length, 0, `no client request failed: ${loadSummary(report)}`);
    assert.equal((await (await fetch(url)).text()).trim(), "hello from 1.0.0");
    const restored = detail.timeline.find((e) => e.action === "traffic.restored");
    assert.ok(restored, "the timeline says what was restored");
    assert.deepEqual((restored.payload as { replicas: number }).replicas, before.counts["1.0.0"]);
    assert.deepEqual(await settleOrphans(store, dataDir, 5_000), [], "no replica of 2.0.0 is left running");
    return detail;
  }

  test("mid-rolling, after old replicas were already stopped: all of them come back", async () => {
    const detail = await cancelAndCheck("rolling", (d) => d.steps.some((s) => s.params.kind === "stop_old" && s.state === "done"));
    assert.ok(detail.steps.some((s) => s.state === "pending"), "it was cancelled midway, not at the end");
  });

  test("mid-blue-green, with all traffic already on the new version: traffic goes back, the new version goes", async () => {
    await cancelAndCheck("bluegreen", (d) => d.steps.some((s) => s.params.kind === "shift" && s.state === "done") && d.steps.some((s) => s.params.kind === "stop_old" && s.state === "pending"));
  });

  test("mid-canary, during the analysis pause on a 50 % split", async () => {
    await cancelAndCheck("canary", (d) => d.steps.some((s) => s.params.kind === "analyse" && s.state === "running"));
  });

  test("mid-rolling with the control plane killed in the middle of the cancel: the restart finishes the restore", async () => {
    await cancelAndCheck("rolling", (d) => d.steps.filter((s) => s.params.kind === "stop_old" && s.state === "done").length >= 2, { killDuringRestore: true });
  });
});
