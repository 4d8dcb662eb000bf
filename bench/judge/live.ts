/**
 * The judge live: the real control plane, router daemon and replicas on loopback, a steady
 * 200 req/s through the router, and a canary of a bad build (errors 1 % -> 6 %, at random, as
 * real failures come) at 10 % weight, repeated. Times are end to end on one machine clock:
 *
 * - detection: the first answer the bad build gave a client → the stored fail decision;
 * - restore: the first answer the bad build gave → the last request it answered (after the
 *   rollback switched the route back).
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isTerminal } from "../../src/core/index.js";
import { pushArtifact } from "../../src/supply/index.js";
import { median, quantile, startLoad } from "../core/load.js";
import { removeDir, startBench, stopBench, type Bench } from "../core/plane.js";

const SERVICE = "judge-live";
const RATE = 200;

const YAML = `
service: ${SERVICE}
owner: team-bench
run:
  command: node server.js
  port_env: PORT
  readiness: { http: /healthz, interval: 100ms, timeout: 15s }
  shutdown: { signal: SIGTERM, grace: 5s }
environments:
  prod:
    target: { driver: process, replicas: 1 }
    strategy:
      type: canary
      steps: [{ weight: 10, pause: 2m }, { weight: 100 }]
    verify:
      analysis:
        interval: 1s
        alpha: 0.01
        metrics:
          - { name: error-rate, max_increase: 20% }
          - { name: latency-p95, max_increase: 20% }
`;

/** A service failing each request at random with probability failRate (no code shared with the judge). */
const SERVER = `import { createServer } from "node:http";
const failRate = Number(process.env.FAIL_RATE ?? "0");
const version = process.env.SLIPWAY_VERSION ?? "dev";
const server = createServer((req, res) => {
  if (req.url === "/healthz") return res.end("ok");
  if (Math.random() < failRate) { res.statusCode = 500; return res.end("failed"); }
  res.end("hello from " + version);
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => { server.close(() => process.exit(0)); server.closeIdleConnections(); setTimeout(() => process.exit(0), 5000).unref(); });
`;

export interface LiveRun {
  state: string;
  /** ms from the bad build's first answer to the fail decision; NaN if it never failed. */
  detectionMs: number;
  /** ms from the bad build's first answer to its last one. */
  restoreMs: number;
  badAnswers: number;
  rate: number;
}

async function makeBuild(root: string, version: string, failRate: number): Promise<string> {
  const dir = join(root, "builds", version);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "server.js"), SERVER.replace('process.env.FAIL_RATE ?? "0"', `"${failRate}"`));
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ name: SERVICE, version, type: "module" })}\n`);
  return dir;
}

async function deployAndWait(bench: Bench, version: string): Promise<string> {
  const engine = bench.plane.engine;
  const d = await engine.deploy({ service: SERVICE, environment: "prod", version, actor: "bench" });
  const deadline = Date.now() + 5 * 60_000;
  while (Date.now() < deadline) {
    const { deployment } = await engine.show(d.id);
    if (isTerminal(deployment.state)) return d.id;
    await sleep(100);
  }
  throw new Error(`deployment ${d.id} of ${version} did not finish in 5 minutes`);
}

/** Runs `runs` bad canaries one after another and times each. */
export async function liveCanaries(runs: number): Promise<LiveRun[]> {
  const root = await mkdtemp(join(tmpdir(), "slipway-judge-live-"));
  let bench: Bench | undefined;
  try {
    bench = await startBench(root, []);
    await bench.plane.engine.apply(YAML, join(root, "slipway.yaml"), "bench");
    for (const [version, failRate] of [["1.0.0", 0.01], ["1.2.0", 0.06]] as const) {
      await pushArtifact(bench.plane.store, bench.dataDir, { path: await makeBuild(root, version, failRate), service: SERVICE, version });
    }
    const first = await deployAndWait(bench, "1.0.0");
    const state = (await bench.plane.engine.show(first)).deployment.state;
    if (state !== "succeeded") throw new Error(`the good build's first deploy ended ${state}`);
    const url = (await bench.plane.engine.status(SERVICE)).find((s) => s.environment === "prod")!.url;
    const out: LiveRun[] = [];
    for (let i = 0; i < runs; i++) {
      const load = startLoad({ url, rate: RATE, concurrency: 8, badVersion: "1.2.0", record: true });
      await sleep(1_000);
      const id = await deployAndWait(bench, "1.2.0");
      await sleep(500);
      const result = await load.stop();
      const detail = await bench.plane.engine.show(id);
      const fail = detail.decisions.find((x) => x.verdict === "fail");
      const bad = result.samples.filter((s) => s.version === "1.2.0").map((s) => s.sentAt).sort((a, b) => a - b);
      const firstBad = bad[0] ?? NaN;
      out.push({
        state: detail.deployment.state,
        detectionMs: fail ? fail.at - firstBad : NaN,
        restoreMs: (bad.at(-1) ?? NaN) - firstBad,
        badAnswers: bad.length,
        rate: result.rate,
      });
      console.log(`  run ${i + 1}: ${detail.deployment.state}, detected ${Math.round(out.at(-1)!.detectionMs)} ms after the first bad answer, ${bad.length} bad-build answers, ${Math.round(result.rate)} req/s`);
    }
    return out;
  } finally {
    await stopBench(join(root, "data"), bench?.plane);
    await removeDir(root);
  }
}

export function liveSummary(runs: readonly LiveRun[]): string {
  const detected = runs.map((r) => r.detectionMs).filter(Number.isFinite);
  const restored = runs.map((r) => r.restoreMs).filter(Number.isFinite);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const states = [...new Set(runs.map((r) => r.state))].join(", ");
  const rate = median(runs.map((r) => r.rate));
  return [
    `live: ${runs.length} bad canaries (errors 1% -> 6% at random, 10% weight, ${Math.round(rate)} req/s achieved): ended ${states}; caught ${detected.length} of ${runs.length}`,
    `live: detection (first bad answer -> fail decision): median ${s(median(detected))}, p95 ${s(quantile(detected, 0.95))}, max ${s(Math.max(...detected))}`,
    `live: restore (first bad answer -> last bad answer): median ${s(median(restored))}, p95 ${s(quantile(restored, 0.95))}; bad-build answers per run (median) ${median(runs.map((r) => r.badAnswers))}`,
  ].join("\n");
}
