import assert from "node:assert/strict";
import { Agent } from "node:http";
import { after, before, describe, test } from "node:test";
import { LATENCY_BUCKETS_MS } from "../core/index.js";
import { startRouter } from "./router.js";
import type { RunningRouter } from "./router.js";
import { call, checksum, freePort, startBackend } from "./testing.js";
import type { TestBackend } from "./testing.js";
import type { Route } from "./types.js";
import { UPSTREAM_KINDS } from "./upstream.js";

for (const upstream of UPSTREAM_KINDS) describe(`router data plane (upstream: ${upstream})`, () => {
  let router: RunningRouter;
  const backends: TestBackend[] = [];
  const agent = new Agent({ keepAlive: true });
  const backend = async (name: string) => {
    const b = await startBackend(name);
    backends.push(b);
    return b;
  };
  const route = async (key: string, backendsOf: Route["backends"], port?: number): Promise<Route> => {
    const r = { key, port: port ?? (await freePort()), backends: backendsOf };
    await router.control.setRoute(r);
    return r;
  };

  before(async () => {
    router = await startRouter({ upstream });
  });
  after(async () => {
    agent.destroy();
    await router.close(1000);
    await Promise.all(backends.map((b) => b.kill()));
  });

  test("splits traffic ~90/10 by weight and tags each answer with its version", async () => {
    const [v1, v2] = [await backend("v1"), await backend("v2")];
    const r = await route("split/dev", [
      { version: "1.0.0", weight: 90, targets: [v1.target] },
      { version: "1.1.0", weight: 10, targets: [v2.target] },
    ]);
    const seen = { "1.0.0": 0, "1.1.0": 0 } as Record<string, number>;
    const worker = async () => {
      for (let i = 0; i < 250; i++) {
        const a = await call(r.port, "/", { agent });
        assert.equal(a.status, 200);
        const version = String(a.headers["x-slipway-version"]);
        assert.equal(a.body, version === "1.0.0" ? "v1" : "v2");
        seen[version] = (seen[version] ?? 0) + 1;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    // Binomial(1000, 0.1): mean 100, sd ~9.5; 50..150 is over 5 sd either way.
    assert.ok(seen["1.1.0"]! >= 50 && seen["1.1.0"]! <= 150, `canary got ${seen["1.1.0"]}`);
    assert.equal(seen["1.0.0"]! + seen["1.1.0"]!, 1000);
  });

  test("round-robins across a version's targets", async () => {
    const [a, b] = [await backend("a"), await backend("b")];
    const r = await route("rr/dev", [{ version: "1", weight: 100, targets: [a.target, b.target] }]);
    for (let i = 0; i < 10; i++) await call(r.port, "/", { agent });
    assert.equal(a.hits, 5);
    assert.equal(b.hits, 5);
  });

  test("counts requests, status classes and latency per version, kept across weight changes", async () => {
    const b = await backend("stats");
    const r = await route("stats/dev", [{ version: "1", weight: 100, targets: [b.target] }]);
    for (const status of [200, 201, 302, 404, 404, 500]) await call(r.port, `/status/${status}`, { agent });
    await router.control.setRoute({ ...r, backends: [{ version: "1", weight: 100, targets: [b.target] }, { version: "2", weight: 0, targets: [] }] });
    await call(r.port, "/status/503", { agent });
    const stats = await router.control.getStats(r.key);
    assert.deepEqual(stats.map((s) => s.version), ["1", "2"]);
    const [one, two] = stats;
    assert.equal(one!.requests, 7);
    assert.deepEqual(one!.statusClasses, { "2xx": 2, "3xx": 1, "4xx": 2, "5xx": 2, error: 0 });
    assert.equal(one!.latencyBuckets.length, LATENCY_BUCKETS_MS.length + 1);
    assert.equal(one!.latencyBuckets.reduce((x, y) => x + y, 0), 7);
    assert.equal(two!.requests, 0);
  });

  test("a weight change applies to the very next request", async () => {
    const [a, b] = [await backend("old"), await backend("new")];
    const r = await route("switch/dev", [{ version: "old", weight: 100, targets: [a.target] }, { version: "new", weight: 0, targets: [b.target] }]);
    assert.equal((await call(r.port, "/", { agent })).headers["x-slipway-version"], "old");
    await router.control.setRoute({ ...r, backends: [{ version: "old", weight: 0, targets: [a.target] }, { version: "new", weight: 100, targets: [b.target] }] });
    for (let i = 0; i < 20; i++) assert.equal((await call(r.port, "/", { agent })).headers["x-slipway-version"], "new");
  });

  test("drain resolves only after the request in flight finishes, and times out with false", async () => {
    const b = await backend("slow");
    const r = await route("drain/dev", [{ version: "1", weight: 100, targets: [b.target] }]);
    const slow = call(r.port, "/hold", { agent });
    await b.held();
    assert.equal(await router.control.drain(r.key, "1", 20), false);
    const order: string[] = [];
    const drained = router.control.drain(r.key, "1", 30_000).then((d) => order.push(`drained:${d}`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    order.push("released");
    b.release();
    assert.equal((await slow).status, 200);
    await drained;
    assert.deepEqual(order, ["released", "drained:true"]);
    assert.equal(await router.control.drain(r.key, "1", 0), true);
  });

  test("a dead target next to a live one costs no request, also when it dies under load", async () => {
    const [dead, live, dying] = [await backend("dead"), await backend("live"), await backend("dying")];
    await dead.kill();
    const r = await route("retry/dev", [{ version: "1", weight: 100, targets: [dead.target, live.target, dying.target] }]);
    let failures = 0;
    let sent = 0;
    const worker = async (n: number) => {
      for (let i = 0; i < n; i++) {
        sent++;
        const options = i % 2 ? { agent } : { agent, method: "POST", body: "x".repeat(100) };
        const a = await call(r.port, i % 2 ? "/" : "/echo", options).catch(() => ({ status: 0 }));
        if (a.status !== 200) failures++;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, () => worker(60)));
    while (dying.hits < 30 && sent < 480) await new Promise((resolve) => setTimeout(resolve, 5));
    await dying.kill();
    await load;
    assert.equal(sent, 480);
    assert.equal(failures, 0);
    const [stats] = await router.control.getStats(r.key);
    assert.equal(stats!.statusClasses.error, 0);
    assert.equal(stats!.requests, 480);
  });

  test("falls back to another weighted version when a version's targets are all down", async () => {
    const [gone, other] = [await backend("gone"), await backend("other")];
    await gone.kill();
    const r = await route("fallback/dev", [{ version: "canary", weight: 100, targets: [gone.target] }, { version: "base", weight: 0, targets: [other.target] }]);
    const a = await call(r.port, "/", { agent });
    assert.equal(a.status, 200);
    assert.equal(a.headers["x-slipway-version"], "base");
    const stats = await router.control.getStats(r.key);
    assert.equal(stats.find((s) => s.version === "base")!.requests, 1);
    assert.equal(stats.find((s) => s.version === "canary")!.requests, 0);
  });

  test("503 when no version has weight, 502 naming the route when nothing can serve", async () => {
    const gone = await backend("gone2");
    await gone.kill();
    const off = await route("off/dev", [{ version: "1", weight: 0, targets: [] }]);
    const a = await call(off.port, "/", { agent });
    assert.equal(a.status, 503);
    assert.match(a.body, /off\/dev.*no backend with weight/);
    const bad = await route("bad/dev", [{ version: "1", weight: 100, targets: [gone.target] }]);
    const b = await call(bad.port, "/", { agent });
    assert.equal(b.status, 502);
    assert.match(JSON.parse(b.body).error.message, /bad\/dev.*ECONNREFUSED/);
    const [stats] = await router.control.getStats(bad.key);
    assert.equal(stats!.statusClasses.error, 1);
  });

  test("forwards bodies (small and streamed large), strips hop-by-hop headers, adds x-forwarded-*", async () => {
    const b = await backend("echo");
    const r = await route("echo/dev", [{ version: "1", weight: 100, targets: [b.target] }]);
    const small = await call(r.port, "/echo", { method: "POST", body: "hello", headers: { "keep-alive": "timeout=5", connection: "keep-alive, x-secret-hop", "x-secret-hop": "1", "x-app": "yes", host: "shop.example" } });
    const echoed = JSON.parse(small.body);
    assert.equal(echoed.length, 5);
    assert.equal(echoed.headers["x-app"], "yes");
    assert.equal(echoed.headers["x-secret-hop"], undefined);
    assert.equal(echoed.headers["keep-alive"], undefined);
    assert.equal(echoed.headers["x-forwarded-for"], "127.0.0.1");
    assert.equal(echoed.headers["x-forwarded-host"], "shop.example");
    const big = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => i % 251));
    const large = JSON.parse((await call(r.port, "/echo", { method: "PUT", body: big, agent })).body);
    assert.equal(large.length, big.length);
    assert.equal(large.sum, checksum(big));
  });

  test("moving a route to another port serves there and stops serving the old port", async () => {
    const b = await backend("mover");
    const r = await route("move/dev", [{ version: "1", weight: 100, targets: [b.target] }]);
    assert.equal((await call(r.port, "/")).status, 200);
    const port = await freePort();
    await router.control.setRoute({ ...r, port });
    assert.equal((await call(port, "/")).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(call(r.port, "/"), /ECONNREFUSED/);
  });

  test("rejects a second route on a port already in use", async () => {
    const r = await route("port-a/dev", [{ version: "1", weight: 0, targets: [] }]);
    await assert.rejects(router.control.setRoute({ key: "port-b/dev", port: r.port, backends: [] }), /already serves route port-a\/dev/);
  });
});
