/**
 * Figure 3: control-plane overhead, a blue-green deploy's total time (created → succeeded) minus
 * the app's own time to ready (the same replica count spawned by hand and polled on /healthz at
 * the same interval the engine uses). Also where the deploy's time goes, step by step.
 */
import { findFreePort } from "../../src/net/index.js";
import { spawnApp, stopApp, waitHealthy, type Build } from "./apps.js";
import { median } from "./load.js";
import { READINESS_INTERVAL_MS, type Bench } from "./plane.js";

export interface OverheadResult {
  deploysMs: number[];
  appReadyMs: number[];
  /** Median duration per step kind (summed when a kind occurs twice, e.g. verify). */
  stepsMs: Record<string, number>;
  /** Created → running (claim, lock, plan), median. */
  queuedMs: number;
}

const REPLICAS = 2;

export async function controlPlaneOverhead(bench: Bench, a: Build, b: Build, runs: number): Promise<OverheadResult> {
  const env = "overhead";
  const first = await bench.deploy(env, a.version);
  if (first.state !== "succeeded") throw new Error(`setup: first deploy to ${env} ended ${first.state}: ${first.error}`);
  const deploysMs: number[] = [];
  const queued: number[] = [];
  const perStep = new Map<string, number[]>();
  for (let i = 0; i < runs; i++) {
    const version = i % 2 === 0 ? b.version : a.version;
    const d = await bench.deploy(env, version);
    if (d.state !== "succeeded" || d.finishedAt === null) throw new Error(`overhead deploy ${d.id} ended ${d.state}: ${d.error}`);
    deploysMs.push(d.finishedAt - d.createdAt);
    if (d.startedAt !== null) queued.push(d.startedAt - d.createdAt);
    const sums = new Map<string, number>();
    for (const s of (await bench.plane.engine.show(d.id)).steps) {
      const key = s.params.kind === "verify" ? `verify via ${s.params.via}` : s.params.kind;
      if (s.startedAt !== null && s.finishedAt !== null) sums.set(key, (sums.get(key) ?? 0) + s.finishedAt - s.startedAt);
    }
    for (const [k, v] of sums) perStep.set(k, [...(perStep.get(k) ?? []), v]);
  }
  const appReadyMs: number[] = [];
  for (let i = 0; i < runs; i++) appReadyMs.push(await appTimeToReady(i % 2 === 0 ? b : a));
  return {
    deploysMs,
    appReadyMs,
    stepsMs: Object.fromEntries([...perStep].map(([k, v]) => [k, median(v)])),
    queuedMs: median(queued),
  };
}

/** Spawns the replicas by hand, all at once, and times until every one answers /healthz. */
async function appTimeToReady(build: Build): Promise<number> {
  const ports: number[] = [];
  for (let i = 0; i < REPLICAS; i++) ports.push(await findFreePort("127.0.0.1"));
  const t0 = performance.now();
  const apps = ports.map((port) => spawnApp(build, port));
  try {
    await Promise.all(ports.map((port) => waitHealthy(port, READINESS_INTERVAL_MS)));
    return performance.now() - t0;
  } finally {
    await Promise.all(apps.map((app) => stopApp(app)));
  }
}
