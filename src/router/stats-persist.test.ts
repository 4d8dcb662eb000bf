import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import type { VersionStats } from "../core/index.js";
import { ensureRouterDaemon, stopRouterDaemon } from "./daemon.js";
import { startRouter } from "./router.js";
import { call, freePort, startBackend } from "./testing.js";
import type { TestBackend } from "./testing.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function send(port: number, paths: string[]): Promise<void> {
  for (const path of paths) assert.ok([200, 500].includes((await call(port, path)).status));
}

const byVersion = (stats: VersionStats[]) => Object.fromEntries(stats.map((s) => [s.version, { requests: s.requests, errors: s.statusClasses["5xx"] }]));

describe("router counters survive a restart", () => {
  let dataDir: string;
  let stable: TestBackend;
  let canary: TestBackend;
  const pids = new Set<number>();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "slipway-rs-"));
    stable = await startBackend("stable");
    canary = await startBackend("canary");
  });
  after(async () => {
    await stopRouterDaemon(dataDir);
    for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
    await stable.kill();
    await canary.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("kill -9 of the daemon: every count the control plane read is still there, and counting goes on from it", async () => {
    const client = await ensureRouterDaemon({ dataDir });
    const first = (await client.health()).pid;
    pids.add(first);
    const key = "shop/prod";
    const port = await freePort();
    await client.setRoute({ key, port, backends: [{ version: "1.0.0", weight: 100, targets: [stable.target] }, { version: "1.1.0", weight: 0, targets: [canary.target] }] });
    await send(port, [...Array(30).fill("/"), ...Array(3).fill("/status/500")]);
    const read = await client.getStats(key);
    assert.deepEqual(byVersion(read), { "1.0.0": { requests: 33, errors: 3 }, "1.1.0": { requests: 0, errors: 0 } });

    process.kill(first, "SIGKILL");
    for (let i = 0; i < 200 && alive(first); i++) await sleep(25);
    assert.equal(alive(first), false);

    const again = await ensureRouterDaemon({ dataDir });
    pids.add((await again.health()).pid);
    assert.deepEqual(await again.getStats(key), read, "nothing the control plane saw was lost, histogram included");
    await send(port, Array(7).fill("/"));
    const after = await again.getStats(key);
    assert.deepEqual(byVersion(after), { "1.0.0": { requests: 40, errors: 3 }, "1.1.0": { requests: 0, errors: 0 } });
    assert.equal(after[0]!.latencyBuckets.reduce((a, b) => a + b, 0), 40);
  });

  test("a graceful stop keeps counts nobody read yet; a removed route's counters go with it", async () => {
    const statePath = join(dataDir, "inproc-state.json");
    const statsPath = join(dataDir, "inproc-stats.json");
    const port = await freePort();
    const key = "shop/staging";
    const router = await startRouter({ statePath, statsPath });
    await router.control.setRoute({ key, port, backends: [{ version: "2.0.0", weight: 100, targets: [stable.target] }] });
    await send(port, Array(12).fill("/"));
    await router.close(1_000);

    const restarted = await startRouter({ statePath, statsPath });
    try {
      assert.equal((await restarted.control.getStats(key))[0]!.requests, 12);
      await restarted.control.removeRoute(key);
      await restarted.control.setRoute({ key, port, backends: [{ version: "2.0.0", weight: 100, targets: [stable.target] }] });
      assert.equal((await restarted.control.getStats(key))[0]!.requests, 0, "a new route starts from zero");
    } finally {
      await restarted.close(1_000);
    }
  });
});
