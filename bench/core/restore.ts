/**
 * Figure 2: time to restore, from the analysis decision "fail" to 100 % of traffic on the old
 * version, over repeated bad canaries under steady light load. Two clocks on one machine:
 *
 * - decision: the stored decision's `at` (taken before the decision is even written, so the
 *   figure errs on the long side);
 * - router: the daemon's own log line "route set" for this route whose weighted backends are
 *   only the old version (the moment the new table took effect for the next request);
 * - observed (a client-side check of the router figure): the send time of the first request
 *   after the last one the bad version answered, minus the decision (0 when the bad version got
 *   no request sent after the decision). Requests are paced, so it is only as fine as 1/rate and
 *   can miss the switch by a run of requests that went to the old version by chance.
 */
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { routerPaths } from "../../src/router/index.js";
import type { Build } from "./apps.js";
import { startLoad } from "./load.js";
import { SERVICE, type Bench } from "./plane.js";

export interface RestoreRun {
  deployment: string;
  state: string;
  decisionAt: number;
  /** Router "route set" to the old version only, minus decision. */
  routerMs: number;
  /** First request sent after the last bad-version answer, minus decision (0 if none after it). */
  observedMs: number;
  badAnswers: number;
}

export interface RestoreResult {
  runs: RestoreRun[];
  rate: number;
  resolutionMs: number;
}

interface RouteSetLine {
  time: number;
  msg: string;
  route?: string;
  backends?: { version: string; weight: number }[];
}

export async function timeToRestore(bench: Bench, good: Build, bad: Build, runs: number, rate: number): Promise<RestoreResult> {
  const env = "restore";
  const first = await bench.deploy(env, good.version);
  if (first.state !== "succeeded") throw new Error(`setup: first deploy to ${env} ended ${first.state}: ${first.error}`);
  const url = await bench.urlOf(env);
  const out: RestoreRun[] = [];
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const load = startLoad({ url, rate, concurrency: 4, badVersion: bad.version, record: true });
    await sleep(300);
    const d = await bench.deploy(env, bad.version);
    await sleep(100);
    const result = await load.stop();
    rates.push(result.rate);
    const detail = await bench.plane.engine.show(d.id);
    const fail = detail.decisions.find((x) => x.verdict === "fail");
    if (!fail) throw new Error(`bad canary ${d.id} ended ${d.state} without a failing decision`);
    const samples = result.samples.filter((s) => s.sentAt >= detail.deployment.createdAt).sort((a, b) => a.sentAt - b.sentAt);
    const lastBad = samples.findLastIndex((s) => s.version === bad.version);
    const after = samples[lastBad + 1];
    out.push({
      deployment: d.id,
      state: d.state,
      decisionAt: fail.at,
      routerMs: NaN,
      observedMs: after ? Math.max(0, after.sentAt - fail.at) : NaN,
      badAnswers: samples.filter((s) => s.version === bad.version).length,
    });
  }
  await fillRouterTimes(bench.dataDir, `${SERVICE}/${env}`, good.version, out);
  const meanRate = rates.reduce((a, b) => a + b, 0) / rates.length;
  return { runs: out, rate: meanRate, resolutionMs: 1000 / meanRate };
}

/** Reads the daemon's log: for each run, the first route update after its decision that weights only the old version. */
async function fillRouterTimes(dataDir: string, key: string, oldVersion: string, runs: RestoreRun[]): Promise<void> {
  const lines: RouteSetLine[] = [];
  for (const text of (await readFile(routerPaths(dataDir).log, "utf8")).split("\n")) {
    if (!text.includes('"route set"')) continue;
    try {
      const line = JSON.parse(text) as RouteSetLine;
      if (line.route === key) lines.push(line);
    } catch {
      // a line cut short by a crash: not ours to judge
    }
  }
  for (const run of runs) {
    const restored = lines.find((l) => l.time >= run.decisionAt && (l.backends ?? []).filter((b) => b.weight > 0).every((b) => b.version === oldVersion));
    if (restored) run.routerMs = restored.time - run.decisionAt;
  }
}
