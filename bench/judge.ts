/**
 * `npm run bench:judge [-- --aa-runs N] [--runs N] [--seed S] [--live N] [--docs]`: how fast
 * and how rightly canary judges decide, on the same simulated streams (bench/judge/streams.ts),
 * then live: real canaries of a bad build through the router, detection timed end to end.
 * `--docs` writes the table into docs/benchmarks.md (Canary judge section).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../src/cli/control-plane.js";
import { machine } from "./core/report.js";
import { JUDGES, LATENCY_THRESHOLD_MS } from "./judge/judges.js";
import { liveCanaries, liveSummary } from "./judge/live.js";
import { detection, judgeTable, markdownTable, textTable, upperBound95, writeJudgeDocs, type Outcome } from "./judge/report.js";
import { BASELINE_P95_MS, DURATION_S, SCENARIOS, generator, simulate } from "./judge/streams.js";

const { values } = parseArgs({
  options: {
    "aa-runs": { type: "string", default: "1000" },
    runs: { type: "string", default: "200" },
    seed: { type: "string", default: "20261127" },
    live: { type: "string", default: "20" },
    docs: { type: "boolean", default: false },
  },
  strict: true,
});
const seed = Number(values.seed);
const started = Date.now();
const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

console.log(`slipway judge benchmark on ${machine()}; seed ${seed}`);
console.log(`streams: Poisson arrivals 200 req/s, 10% to the canary, ${DURATION_S / 60} min per run; baseline errors 1%, latency p95 ${Math.round(BASELINE_P95_MS)} ms`);
const outcomes: Outcome[] = [];
for (const [si, scenario] of SCENARIOS.entries()) {
  const runs = Number(scenario.id === "aa" ? values["aa-runs"] : values.runs);
  step(`${scenario.title}: ${runs} runs`);
  const times = new Map(JUDGES.map((j) => [j.name, [] as (number | null)[]]));
  for (let i = 0; i < runs; i++) {
    const stream = simulate(scenario, generator(seed + si * 1_000_003 + i));
    for (const judge of JUDGES) times.get(judge.name)!.push(await judge.detect(stream));
  }
  for (const judge of JUDGES) outcomes.push({ judge: judge.name, scenario: scenario.id, times: times.get(judge.name)! });
}
const simulatedIn = (Date.now() - started) / 1000;
const table = judgeTable(JUDGES.map((j) => j.name), SCENARIOS, outcomes);
console.log(`\n${textTable(table)}\n`);

const goals = goalLines(outcomes);
console.log(goals.join("\n"));

let live: string | undefined;
const liveRuns = Number(values.live);
if (liveRuns > 0) {
  step(`live: ${liveRuns} bad canaries (errors 1% -> 6%) through the router under load`);
  live = liveSummary(await liveCanaries(liveRuns));
  console.log(live);
}

if (values.docs) {
  const body = [
    `Last run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; seed ${seed}; simulation ${Math.round(simulatedIn)} s.`,
    "",
    markdownTable(table),
    "",
    "Judges as configured (same streams for all):",
    "",
    ...JUDGES.map((j) => `- **${j.name}**: ${j.setup}.`),
    "",
    "```",
    ...goals,
    ...(live ? ["", live] : []),
    "```",
  ].join("\n");
  await writeJudgeDocs(join(PACKAGE_ROOT, "docs", "benchmarks.md"), body);
  console.log("wrote docs/benchmarks.md (Canary judge section)");
}

/** The goals for Slipway's judge, and whether it is ahead of each other judge on both axes. */
function goalLines(all: readonly Outcome[]): string[] {
  const of = (judge: string, scenario: string) => all.find((o) => o.judge === judge && o.scenario === scenario)!.times;
  const ours = JUDGES[0]!.name;
  const aa = of(ours, "aa");
  const falseRate = aa.filter((t) => t !== null).length / aa.length;
  const err6 = detection(of(ours, "err6"));
  const lat = detection(of(ours, "p95x2"));
  const yes = (ok: boolean) => (ok ? "met" : "MISSED");
  const lines = [
    `goal: false rollbacks <= 1% of A/A runs: ${(falseRate * 100).toFixed(2)}% (95% upper bound ${(upperBound95(aa.filter((t) => t !== null).length, aa.length) * 100).toFixed(2)}%): ${yes(falseRate <= 0.01)}`,
    `goal: errors 1% -> 6% caught in median <= 5 s and p95 <= 10 s: median ${err6.median ?? "-"} s, p95 ${err6.p95 ?? "-"} s: ${yes((err6.median ?? Infinity) <= 5 && (err6.p95 ?? Infinity) <= 10)}`,
    `goal: p95 latency doubled caught in median <= 15 s: median ${lat.median ?? "-"} s: ${yes((lat.median ?? Infinity) <= 15)}`,
  ];
  for (const other of JUDGES.slice(1)) {
    const otherAa = of(other.name, "aa");
    const fewerFalse = aa.filter((t) => t !== null).length <= otherAa.filter((t) => t !== null).length;
    const faster = SCENARIOS.filter((s) => s.regression).every((s) => {
      const a = detection(of(ours, s.id));
      const b = detection(of(other.name, s.id));
      return (a.median ?? Infinity) <= (b.median ?? Infinity) && a.detected >= b.detected;
    });
    lines.push(`vs ${other.name}: false rollbacks ${fewerFalse ? "no more" : "MORE"}; faster (median) and no more misses in every regression: ${faster ? "yes" : "NO"}`);
  }
  lines.push(`(threshold judges use p95 <= ${Math.round(LATENCY_THRESHOLD_MS)} ms, 1.5x the baseline's true p95)`);
  return lines;
}
