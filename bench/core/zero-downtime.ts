/**
 * Figure 1: requests that fail while a deployment happens under constant load, through the
 * router, against the baseline of a hand-run deploy (stop the old process, start the new one on
 * the same port) under the same load.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { findFreePort } from "../../src/net/index.js";
import { spawnApp, stopApp, waitHealthy, type Build } from "./apps.js";
import { startLoad, type LoadResult } from "./load.js";
import { READINESS_INTERVAL_MS, type Bench } from "./plane.js";

export interface DowntimeRow {
  scenario: string;
  /** How the deployment ended (or "by hand"). */
  outcome: string;
  deployMs: number;
  load: LoadResult;
}

export interface LoadProfile {
  rate: number;
  concurrency: number;
}

/** Load before and after the change, so the change happens in the middle of steady traffic. */
const SETTLE_MS = 1_000;

async function underLoad(url: string, profile: LoadProfile, badVersion: string | undefined, change: () => Promise<string>): Promise<{ outcome: string; deployMs: number; load: LoadResult }> {
  const load = startLoad({ url, ...profile, ...(badVersion ? { badVersion } : {}) });
  try {
    await sleep(SETTLE_MS);
    const t0 = performance.now();
    const outcome = await change();
    const deployMs = performance.now() - t0;
    await sleep(SETTLE_MS);
    return { outcome, deployMs, load: await load.stop() };
  } catch (err) {
    await load.stop();
    throw err;
  }
}

export async function zeroDowntime(bench: Bench, builds: { v1: Build; v2: Build; bad: Build }, profile: LoadProfile): Promise<DowntimeRow[]> {
  const { v1, v2, bad } = builds;
  const rows: DowntimeRow[] = [];
  for (const env of ["bluegreen", "canary"]) {
    const d = await bench.deploy(env, v1.version);
    if (d.state !== "succeeded") throw new Error(`setup: first deploy to ${env} ended ${d.state}: ${d.error}`);
  }

  const bg = await bench.urlOf("bluegreen");
  rows.push({ scenario: "blue-green switch", ...(await underLoad(bg, profile, undefined, async () => (await bench.deploy("bluegreen", v2.version)).state)) });

  const canary = await bench.urlOf("canary");
  rows.push({ scenario: "canary 20/50/100 (good build)", ...(await underLoad(canary, profile, undefined, async () => (await bench.deploy("canary", v2.version)).state)) });
  rows.push({
    scenario: `automatic rollback (canary failRate ${bad.failRate})`,
    ...(await underLoad(canary, profile, bad.version, async () => (await bench.deploy("canary", bad.version)).state)),
  });

  rows.push({ scenario: "BASELINE: stop old, start new, same port", ...(await handRun(v1, v2, profile)) });
  return rows;
}

/** What a hand-run deploy does: SIGTERM the old process, wait for it to exit, start the new one on the same port. */
async function handRun(v1: Build, v2: Build, profile: LoadProfile): Promise<{ outcome: string; deployMs: number; load: LoadResult }> {
  const port = await findFreePort("127.0.0.1");
  let app = spawnApp(v1, port);
  try {
    await waitHealthy(port, READINESS_INTERVAL_MS);
    return await underLoad(`http://127.0.0.1:${port}/`, profile, undefined, async () => {
      await stopApp(app);
      app = spawnApp(v2, port);
      await waitHealthy(port, READINESS_INTERVAL_MS);
      return "by hand";
    });
  } finally {
    await stopApp(app);
  }
}
