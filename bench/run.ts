/**
 * `npm run bench [-- --rate N] [--docs]`: the core benchmarks of issue 2, measured in one run on
 * loopback against a control plane started in process (SQLite, router daemon, process driver):
 * zero downtime against a hand-run deploy, time to restore, control-plane overhead and the
 * router's added latency. `--docs` writes the figures into docs/benchmarks.md (Core section).
 * The triage benchmark is separate: `npm run bench:triage`.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../src/cli/control-plane.js";
import { makeBuild } from "./core/apps.js";
import { routerLatency } from "./core/latency.js";
import { controlPlaneOverhead } from "./core/overhead.js";
import { removeDir, startBench, stopBench, type Bench } from "./core/plane.js";
import { details, machine, rows, textTable, writeDocs } from "./core/report.js";
import { timeToRestore } from "./core/restore.js";
import { zeroDowntime } from "./core/zero-downtime.js";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "1500" },
    concurrency: { type: "string", default: "16" },
    "restore-runs": { type: "string", default: "20" },
    "overhead-runs": { type: "string", default: "6" },
    "latency-requests": { type: "string", default: "20000" },
    docs: { type: "boolean", default: false },
  },
  strict: true,
});
/** The whole run must stay bounded; past this it cleans up and fails. */
const DEADLINE_MS = 6 * 60_000;

const root = await mkdtemp(join(tmpdir(), "slipway-bench-"));
let bench: Bench | undefined;
let cleaning: Promise<void> | undefined;
const cleanup = () => (cleaning ??= stopBench(join(root, "data"), bench?.plane).then(() => removeDir(root)));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
const deadline = setTimeout(() => {
  console.error(`benchmarks exceeded ${DEADLINE_MS / 60_000} minutes: cleaning up`);
  void cleanup().finally(() => process.exit(1));
}, DEADLINE_MS);
deadline.unref();

const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

try {
  console.log(`slipway core benchmarks on ${machine()}; data in ${root}`);
  const v1 = await makeBuild(root, "1.0.0");
  const v2 = await makeBuild(root, "1.1.0");
  const bad = await makeBuild(root, "1.2.0", 0.2);
  bench = await startBench(root, [v1, v2, bad]);
  const profile = { rate: Number(values.rate), concurrency: Number(values.concurrency) };

  step(`zero downtime: blue-green, canary, rollback and the hand-run baseline under ${profile.rate} req/s`);
  const downtime = await zeroDowntime(bench, { v1, v2, bad }, profile);
  for (const r of downtime) console.log(`  ${r.scenario}: ${r.outcome}, ${r.load.failed} failed of ${r.load.sent} (${Math.round(r.load.rate)} req/s)`);
  step(`time to restore: ${values["restore-runs"]} bad canaries`);
  const restore = await timeToRestore(bench, v1, bad, Number(values["restore-runs"]), 500);
  console.log(`  decision -> router, ms: ${restore.runs.map((r) => r.routerMs).join(" ")}`);
  step("control-plane overhead: blue-green deploys vs the app's own time to ready");
  const overhead = await controlPlaneOverhead(bench, v1, v2, Number(values["overhead-runs"]));
  console.log(`  deploys, ms: ${overhead.deploysMs.join(" ")}; app ready by hand, ms: ${overhead.appReadyMs.map(Math.round).join(" ")}`);
  step("router added latency");
  const latency = await routerLatency(bench.dataDir, v1, Number(values["latency-requests"]), 1);

  const figures = { downtime, restore, overhead, latency };
  const table = rows(figures);
  console.log(`\n${textTable(table)}\n\n${details(figures)}\n`);
  if (values.docs) {
    await writeDocs(join(PACKAGE_ROOT, "docs", "benchmarks.md"), figures, table);
    console.log("wrote docs/benchmarks.md (Core section)");
  }
} catch (err) {
  console.error("benchmark failed:", err);
  process.exitCode = 1;
} finally {
  step("cleaning up");
  await cleanup();
  clearTimeout(deadline);
}
