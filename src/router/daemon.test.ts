import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { ensureRouterDaemon, routerPaths, stopRouterDaemon } from "./daemon.js";
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

describe("router daemon", () => {
  let dataDir: string;
  let backend: TestBackend;
  const pids = new Set<number>();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "slipway-rd-"));
    backend = await startBackend("app");
  });
  after(async () => {
    await stopRouterDaemon(dataDir);
    // Whatever else this test started must not outlive it.
    for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
    await backend.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("survives kill -9: re-ensured, it restores its routes from the state file and serves", async () => {
    const client = await ensureRouterDaemon({ dataDir });
    const first = (await client.health()).pid;
    pids.add(first);
    assert.notEqual(first, process.pid);
    assert.equal(Number(await readFile(routerPaths(dataDir).pid, "utf8")), first);
    assert.equal((await ensureRouterDaemon({ dataDir })).socketPath, client.socketPath, "a healthy daemon is reused");
    assert.equal((await client.health()).pid, first);

    const route = { key: "hello/dev", port: await freePort(), backends: [{ version: "1.0.0", weight: 100, targets: [backend.target] }] };
    await client.setRoute(route);
    const served = await call(route.port, "/");
    assert.equal(served.status, 200);
    assert.equal(served.headers["x-slipway-version"], "1.0.0");

    process.kill(first, "SIGKILL");
    for (let i = 0; i < 200 && alive(first); i++) await sleep(25);
    assert.equal(alive(first), false);
    await assert.rejects(client.health(), /does not answer/);

    const again = await ensureRouterDaemon({ dataDir });
    const second = (await again.health()).pid;
    pids.add(second);
    assert.notEqual(second, first);
    assert.deepEqual(await again.listRoutes(), [route]);
    assert.equal((await call(route.port, "/")).status, 200);
    assert.match(await readFile(routerPaths(dataDir).log, "utf8"), /routes restored/);
  });

  test("stopRouterDaemon stops it with SIGTERM after the request in flight, and removes the pid file", async () => {
    const client = await ensureRouterDaemon({ dataDir });
    const pid = (await client.health()).pid;
    pids.add(pid);
    const [route] = await client.listRoutes();
    const slow = call(route!.port, "/hold");
    await backend.held();
    const stopping = stopRouterDaemon(dataDir);
    await sleep(100);
    assert.equal(alive(pid), true, "waits for the request in flight");
    backend.release();
    assert.equal((await slow).status, 200);
    assert.equal(await stopping, true);
    assert.equal(alive(pid), false);
    assert.equal(existsSync(routerPaths(dataDir).pid), false);
    assert.match(await readFile(routerPaths(dataDir).log, "utf8"), /router daemon stopped/);
    assert.equal(await stopRouterDaemon(dataDir), false);
  });
});
