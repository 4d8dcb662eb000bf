import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isSlipwayError } from "../core/index.js";
import { RouterClient } from "./client.js";
import { startRouter } from "./router.js";
import type { RunningRouter } from "./router.js";
import { call, freePort, startBackend } from "./testing.js";
import type { TestBackend } from "./testing.js";

/** A raw admin call, to see status codes and bodies as the wire carries them. */
function raw(socketPath: string, method: string, path: string, body?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("router admin API over a unix socket", () => {
  let dir: string;
  let router: RunningRouter;
  let client: RouterClient;
  let backend: TestBackend;
  const paths = () => ({ socketPath: join(dir, "router.sock"), statePath: join(dir, "router-state.json") });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "slipway-admin-"));
    await writeFile(paths().socketPath, ""); // a stale socket file from a dead daemon
    router = await startRouter(paths());
    client = new RouterClient(paths().socketPath);
    backend = await startBackend("b");
  });
  after(async () => {
    await router.close(1000);
    await backend.kill();
    await rm(dir, { recursive: true, force: true });
  });

  test("routes round-trip through the client, and the table is persisted", async () => {
    const route = { key: "hello/dev", port: await freePort(), backends: [{ version: "1.0.0", weight: 100, targets: [backend.target] }] };
    await client.setRoute(route);
    assert.deepEqual(await client.listRoutes(), [route]);
    assert.equal((await call(route.port, "/")).status, 200);
    const [stats] = await client.getStats(route.key);
    assert.equal(stats!.requests, 1);
    assert.equal(await client.drain(route.key, "1.0.0", 1000), true);
    const state = JSON.parse(await readFile(paths().statePath, "utf8"));
    assert.deepEqual(state, { version: 1, routes: [route] });
    const health = await client.health();
    assert.equal(health.ok, true);
    assert.equal(health.pid, process.pid);
    assert.equal(health.routes, 1);
  });

  test("an invalid route body is a 400 that names the field", async () => {
    const port = await freePort();
    const res = await raw(paths().socketPath, "PUT", "/routes/hello%2Fstaging", JSON.stringify({ port, backends: [{ version: "1", weight: 150, targets: ["nope"] }] }));
    assert.equal(res.status, 400);
    const message = (res.body as { error: { code: string; message: string } }).error.message;
    assert.match(message, /backends\.0\.weight/);
    assert.match(message, /backends\.0\.targets\.0/);
    const bad = await client.setRoute({ key: "hello/staging", port: 0, backends: [] }).catch((e: unknown) => e);
    assert.ok(isSlipwayError(bad) && bad.code === "bad_input", String(bad));
    assert.match((bad as Error).message, /port/);
    const json = await raw(paths().socketPath, "PUT", "/routes/x%2Fy", "{not json");
    assert.equal(json.status, 400);
    const drain = await raw(paths().socketPath, "POST", "/routes/hello%2Fdev/drain", JSON.stringify({ version: "1.0.0" }));
    assert.equal(drain.status, 400);
    assert.match((drain.body as { error: { message: string } }).error.message, /timeoutMs/);
  });

  test("unknown routes are 404 for stats; removing twice succeeds", async () => {
    const err = await client.getStats("nope/dev").catch((e: unknown) => e);
    assert.ok(isSlipwayError(err) && err.code === "not_found");
    const route = { key: "tmp/dev", port: await freePort(), backends: [] };
    await client.setRoute(route);
    await client.removeRoute(route.key);
    await client.removeRoute(route.key);
    assert.ok(!(await client.listRoutes()).some((r) => r.key === route.key));
  });

  test("a restarted router restores its routes and serves them before answering admin calls", async () => {
    const before = await client.listRoutes();
    await router.close(1000);
    await assert.rejects(client.health(), (e: unknown) => isSlipwayError(e) && e.code === "unavailable");
    router = await startRouter(paths());
    assert.deepEqual(await client.listRoutes(), before);
    const answer = await call(before[0]!.port, "/");
    assert.equal(answer.status, 200);
    // Stats start over with the process; only the table is durable.
    assert.equal((await client.getStats(before[0]!.key))[0]!.requests, 1);
  });

  test("a second router on the same live socket is refused", async () => {
    await assert.rejects(startRouter({ socketPath: paths().socketPath }), /another router daemon already answers/);
  });
});
