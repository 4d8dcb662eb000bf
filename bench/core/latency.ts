/**
 * Figure 4: the router's added latency per request. One app process started by hand; the same
 * client (keep-alive, same concurrency) calls it directly and through a route on the control
 * plane's router daemon, in alternating blocks so drift on a shared machine hits both alike.
 */
import { findFreePort } from "../../src/net/index.js";
import { RouterClient, routerPaths } from "../../src/router/index.js";
import { spawnApp, stopApp, waitHealthy, type Build } from "./apps.js";
import { measureLatency, quantile } from "./load.js";

export interface LatencyResult {
  /** Requests measured per path (the fewer of the two, when a block ran out of time). */
  requests: number;
  concurrency: number;
  direct: { p50: number; p99: number };
  router: { p50: number; p99: number };
  failed: number;
}

const BLOCKS = 4;
/** A busy shared machine can make 20k sequential requests slow: each block also stops after this. */
const BLOCK_MAX_MS = 6_000;

export async function routerLatency(dataDir: string, build: Build, requests: number, concurrency: number): Promise<LatencyResult> {
  const appPort = await findFreePort("127.0.0.1");
  const routePort = await findFreePort("127.0.0.1");
  const router = new RouterClient(routerPaths(dataDir).socket);
  const key = "bench/latency";
  const app = spawnApp(build, appPort);
  try {
    await waitHealthy(appPort, 50);
    await router.setRoute({ key, port: routePort, backends: [{ version: build.version, weight: 100, targets: [`127.0.0.1:${appPort}`] }] });
    const direct = `http://127.0.0.1:${appPort}/`;
    const routed = `http://127.0.0.1:${routePort}/`;
    // Warm up both paths (JIT, keep-alive pools).
    await measureLatency(direct, 1_000, concurrency, BLOCK_MAX_MS / 2);
    await measureLatency(routed, 1_000, concurrency, BLOCK_MAX_MS / 2);
    const d: number[] = [];
    const r: number[] = [];
    let failed = 0;
    const block = Math.ceil(requests / BLOCKS);
    for (let i = 0; i < BLOCKS; i++) {
      const a = await measureLatency(direct, block, concurrency, BLOCK_MAX_MS);
      const b = await measureLatency(routed, block, concurrency, BLOCK_MAX_MS);
      d.push(...a.latencies);
      r.push(...b.latencies);
      failed += a.failed + b.failed;
    }
    return {
      requests: Math.min(d.length, r.length),
      concurrency,
      direct: { p50: quantile(d, 0.5), p99: quantile(d, 0.99) },
      router: { p50: quantile(r, 0.5), p99: quantile(r, 0.99) },
      failed,
    };
  } finally {
    await router.removeRoute(key).catch(() => undefined);
    await stopApp(app);
  }
}
