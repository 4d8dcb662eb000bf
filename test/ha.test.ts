/**
 * The control plane as several instances on one PostgreSQL database, each a real
 * `slipway server` child process:
 * - two instances of one node (one data directory): kill -9 of the one holding a running
 *   canary; the other takes it over and finishes it (a healthy canary is not rolled back because
 *   an instance died), no step runs twice, and clients following the events on either instance
 *   see it go on (the one on the dead instance reconnects to the other with Last-Event-ID);
 * - instances on two nodes: local replicas belong to their node, so when that node's instance
 *   dies the other does not touch its deployment (it could not reach the processes); replicas
 *   and the router keep serving, `status --cluster` names the stranded work, and the node's
 *   restarted instance finishes it;
 * - SQLite: a second server on the same database file is refused, naming the first.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { ClusterView } from "../src/engine/index.js";
import { findFreePort } from "../src/net/index.js";
import { canaryEnv, helloYaml, pushHello, stopEverything, tempDir, testDatabase, type TestDatabase } from "./helpers/fixture.js";
import { summarize, waitFor, waitForEnd } from "./helpers/http.js";
import { loadSummary, startLoad } from "./helpers/load.js";
import { runCli, spawnServer, type ServerProcess } from "./helpers/processes.js";
import { followDeployment } from "./helpers/sse.js";

const SERVICE = "ha";
const YAML = helloYaml(SERVICE, { prod: canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "8s" }, { weight: 100 }] }) });

/** Cleans up every data dir, server and schema a test made. */
class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];
  add(step: () => Promise<unknown>): void {
    this.steps.unshift(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps) await step().catch((err: unknown) => console.error("cleanup:", err));
  }
}

async function startServer(cleanup: Cleanup, dataDir: string, db: TestDatabase, logDir: string, name: string, token?: string): Promise<ServerProcess> {
  const server = await spawnServer({ dataDir, db: db.url, port: await findFreePort("127.0.0.1"), logFile: join(logDir, `${name}.log`), ...(token ? { token } : {}) });
  cleanup.add(() => server.stop());
  return server;
}

describe("control plane instances on PostgreSQL", () => {
  const cleanup = new Cleanup();
  after(() => cleanup.run());

  test("two instances of one node: kill -9 of the one holding a running canary; the other finishes it, each step once, followers go on", async () => {
    const dataDir = await tempDir("ha");
    const workDir = await tempDir("ha-work");
    const db = await testDatabase("postgres", dataDir);
    cleanup.add(async () => {
      await stopEverything(dataDir);
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    });
    const servers = [await startServer(cleanup, dataDir, db, workDir, "a"), await startServer(cleanup, dataDir, db, workDir, "b")];
    const api = (i: number) => () => servers[i]!.api;
    await api(0)().apply(YAML);
    await pushHello(api(0)(), workDir, SERVICE, "1.0.0");
    await pushHello(api(0)(), workDir, SERVICE, "1.1.0");
    const first = await waitForEnd(api(0), await api(0)().deploy(SERVICE, "prod", "1.0.0"));
    assert.equal(first.deployment.state, "succeeded", summarize(first));

    const url = await api(0)().routerUrl(SERVICE, "prod");
    const load = startLoad(url, { concurrency: 4, maxDurationMs: 150_000 });
    let report;
    try {
      const id = await api(1)().deploy(SERVICE, "prod", "1.1.0");
      const followers = [followDeployment([api(0), api(1)], id), followDeployment([api(1), api(0)], id)];
      await waitFor("analysis to be running", async () => {
        const d = await api(0)().show(id);
        return d.steps.some((s) => s.params.kind === "analyse" && s.state === "running") && d.decisions.length > 0 ? true : undefined;
      });
      const view = await api(0)().ok<ClusterView>("GET", "/cluster");
      const holder = view.instances.find((i) => i.holds.some((d) => d.id === id));
      assert.ok(holder, `an instance holds ${id}: ${JSON.stringify(view.instances)}`);
      const victim = servers.findIndex((s) => s.child.pid === holder.pid);
      assert.ok(victim >= 0, "the holder is one of our servers");
      await servers[victim]!.kill9();
      const survivor = api(1 - victim);

      const detail = await waitForEnd(survivor, id);
      assert.equal(detail.deployment.state, "succeeded", `a healthy canary is not rolled back because an instance died: ${summarize(detail)}`);
      for (const step of detail.steps) {
        const done = detail.timeline.filter((e) => e.action === "step.done" && (e.payload as { idx: number }).idx === step.idx);
        const started = detail.timeline.filter((e) => e.action === "step.started" && (e.payload as { idx: number }).idx === step.idx);
        assert.equal(done.length, 1, `step ${step.idx} done once`);
        assert.equal(started.length, 1, `step ${step.idx} started once`);
      }
      const ends = await Promise.all(followers.map((f) => f.end));
      const expected = detail.timeline.map((e) => e.seq);
      for (const [i, f] of followers.entries()) {
        assert.equal(ends[i]!.state, "succeeded");
        assert.deepEqual(f.events.map((e) => e.seq), expected, `follower ${i} saw every event once, in order`);
      }
      assert.ok(followers[victim]!.reconnects >= 1, "the follower of the killed instance reconnected to the other");
      const after = await survivor().ok<ClusterView>("GET", "/cluster");
      await waitFor("the killed instance to show as gone", async () => {
        const v = await survivor().ok<ClusterView>("GET", "/cluster");
        return v.instances.some((i) => i.pid === holder.pid && !i.alive) ? true : undefined;
      }, 20_000);
      assert.ok(after.instances.some((i) => i.self && i.alive));
      const sentAtEnd = load.report().sent;
      await waitFor("traffic after the end", async () => (load.report().sent > sentAtEnd + 30 ? true : undefined), 30_000, 50);
    } finally {
      report = await load.stop();
    }
    assert.equal(report.failures.length, 0, `no client request failed: ${loadSummary(report)}`);
    assert.equal((await (await fetch(url)).text()).trim(), "hello from 1.1.0");
  });

  test("instances on two nodes: a node's local deployment waits for that node, its replicas keep serving, and it finishes when the node is back", async () => {
    const dirs = { a: await tempDir("ha-node-a"), b: await tempDir("ha-node-b") };
    const workDir = await tempDir("ha-nodes-work");
    const db = await testDatabase("postgres", dirs.a);
    cleanup.add(async () => {
      await stopEverything(dirs.a);
      await stopEverything(dirs.b);
      await db.drop();
      for (const dir of [dirs.a, dirs.b, workDir]) await rm(dir, { recursive: true, force: true });
    });
    let a = await startServer(cleanup, dirs.a, db, workDir, "node-a-1");
    await a.api.apply(YAML);
    await pushHello(a.api, workDir, SERVICE, "1.0.0");
    await pushHello(a.api, workDir, SERVICE, "1.1.0");
    assert.equal((await waitForEnd(a.api, await a.api.deploy(SERVICE, "prod", "1.0.0"))).deployment.state, "succeeded");
    const b = await startServer(cleanup, dirs.b, db, workDir, "node-b", a.api.token);
    const bApi = b.api;

    const url = await a.api.routerUrl(SERVICE, "prod");
    const load = startLoad(url, { concurrency: 3, maxDurationMs: 150_000 });
    let report;
    try {
      // Created through node B's API: it still runs on node A, where the environment's replicas are.
      const id = await bApi.deploy(SERVICE, "prod", "1.1.0");
      await waitFor("the canary's analysis", async () => ((await bApi.show(id)).steps.some((s) => s.params.kind === "analyse" && s.state === "running") ? true : undefined));
      await a.kill9();
      await waitFor("node B to name the stranded deployment", async () => {
        const view = await bApi.ok<ClusterView>("GET", "/cluster");
        return view.stranded.some((d) => d.id === id) ? view : undefined;
      }, 20_000);
      // Several leases later node B has still not touched it, and traffic still flows on node A.
      await new Promise((r) => setTimeout(r, 5_000));
      const waiting = await bApi.show(id);
      assert.equal(waiting.deployment.state, "verifying", summarize(waiting));
      const status = (await bApi.ok<{ environments: { environment: string; health: string }[] }>("GET", `/status?service=${SERVICE}`)).environments.find((e) => e.environment === "prod");
      assert.match(status!.health, /runs on node .*ha-node-a/);
      const cli = await runCli(["status", "--cluster"], { env: { SLIPWAY_SERVER: bApi.url, SLIPWAY_TOKEN: bApi.token } });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /no heartbeat/);
      assert.match(cli.stdout, new RegExp(`waiting for a node with no live instance[\\s\\S]*${id}`));

      a = await startServer(cleanup, dirs.a, db, workDir, "node-a-2");
      const detail = await waitForEnd(a.api, id);
      assert.equal(detail.deployment.state, "succeeded", summarize(detail));
      const sentAtEnd = load.report().sent;
      await waitFor("traffic after the end", async () => (load.report().sent > sentAtEnd + 30 ? true : undefined), 30_000, 50);
    } finally {
      report = await load.stop();
    }
    assert.equal(report.failures.length, 0, `no client request failed while node A's control plane was down: ${loadSummary(report)}`);
  });
});

describe("SQLite serves one control plane", () => {
  const cleanup = new Cleanup();
  after(() => cleanup.run());

  test("a second server on the same database file is refused with the first one named; the first goes on", async () => {
    const dataDir = await tempDir("sqlite-one");
    cleanup.add(async () => {
      await stopEverything(dataDir);
      await rm(dataDir, { recursive: true, force: true });
    });
    const db = await testDatabase("sqlite", dataDir);
    const first = await startServer(cleanup, dataDir, db, dataDir, "first");
    const port = await findFreePort("127.0.0.1");
    const second = await runCli(["server", "--data", dataDir, "--db", db.url, "--port", String(port), "--no-example"], { timeoutMs: 60_000 });
    assert.equal(second.code, 1, `${second.stdout}\n${second.stderr}`);
    assert.match(second.stderr, new RegExp(`another Slipway server \\(pid ${first.child.pid} on .*\\) is using this SQLite database`));
    assert.match(second.stderr, /PostgreSQL/);
    assert.deepEqual((await first.api.ok<{ ok: boolean }>("GET", "/audit/verify")).ok, true);
    await first.api.apply(YAML);
  });
});
