import assert from "node:assert/strict";
import { Agent } from "node:http";
import { after, before, describe, test } from "node:test";
import { startRouter } from "./router.js";
import type { RunningRouter } from "./router.js";
import { call, freePort, startBackend } from "./testing.js";
import type { TestBackend } from "./testing.js";
import type { Route } from "./types.js";
import { UPSTREAM_KINDS } from "./upstream.js";

/**
 * Route changes under load lose nothing: while clients keep keep-alive connections busy, the
 * route goes through what a canary and its rollback do to it — weights shift, a version is
 * switched off, drained and its process killed, a new version appears — and every request is
 * answered 200. (The bench measures the same at 5,000 req/s: `npm run bench:router`.)
 */
for (const upstream of UPSTREAM_KINDS) describe(`route changes under load (upstream: ${upstream})`, () => {
  let router: RunningRouter;
  const backends: TestBackend[] = [];
  before(async () => {
    router = await startRouter({ upstream });
  });
  after(async () => {
    await router.close(1_000);
    for (const b of backends) await b.kill();
  });

  test("a canary, its rollback and a version swap under steady traffic: every request answered 200", async () => {
    const [v1, v2, v3] = [await startBackend("v1"), await startBackend("v2"), await startBackend("v3")];
    backends.push(v1, v2, v3);
    const port = await freePort();
    const key = "shop/prod";
    const route = (...split: [TestBackend, number][]): Route => ({ key, port, backends: split.map(([b, weight]) => ({ version: b.name, weight, targets: [b.target] })) });
    await router.control.setRoute(route([v1, 100]));

    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const statuses = new Map<string, number>();
    let stop = false;
    let sent = 0;
    const client = async () => {
      while (!stop && sent < 20_000) {
        sent++;
        const answer = await call(port, "/", { agent }).then(
          (a) => `${a.status} ${String(a.headers["x-slipway-version"])}`,
          (err: NodeJS.ErrnoException) => `error ${err.code ?? err.message}`,
        );
        statuses.set(answer, (statuses.get(answer) ?? 0) + 1);
      }
    };
    const clients = Array.from({ length: 16 }, () => client());
    const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
    try {
      for (let round = 0; round < 3; round++) {
        for (const weight of [10, 25, 50]) {
          await router.control.setRoute(route([v1, 100 - weight], [v2, weight]));
          await settle();
        }
        await router.control.setRoute(route([v1, 100], [v2, 0])); // rollback
        await settle();
      }
      await router.control.setRoute(route([v2, 100], [v1, 0])); // full switch, v1 drained then killed
      assert.equal(await router.control.drain(key, "v1", 5_000), true);
      await router.control.setRoute(route([v2, 100]));
      await v1.kill();
      await settle();
      for (const weight of [10, 50, 100]) {
        await router.control.setRoute(route([v2, 100 - weight], [v3, weight]));
        await settle();
      }
    } finally {
      stop = true;
      await Promise.all(clients);
      agent.destroy();
    }
    const failures = [...statuses].filter(([answer]) => !answer.startsWith("200 "));
    assert.deepEqual(failures, [], `every request answered 200: ${JSON.stringify([...statuses])}`);
    for (const version of ["v1", "v2", "v3"]) assert.ok((statuses.get(`200 ${version}`) ?? 0) > 0, `${version} served: ${JSON.stringify([...statuses])}`);
    const stats = await router.control.getStats(key);
    assert.equal(stats.reduce((n, s) => n + s.requests, 0), sent, "the counters saw every request");
  });
});
