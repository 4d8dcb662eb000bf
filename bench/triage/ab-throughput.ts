/**
 * Throughput of the triage in two checkouts, as a ratio measured in one process: rounds alternate
 * between the baseline and the candidate over the same logs (the LogChunks and CiDiff failed logs,
 * read into memory first), timed in CPU time. On a shared host whose speed drifts by tens of
 * percent from one minute to the next, separate runs cannot see a 5 % change; alternating rounds
 * in one process can, and the median ratio is the figure.
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   npx tsx bench/triage/ab-throughput.ts /tmp/base . [--rounds 7]
 */
import { resolve } from "node:path";
import { auditCases } from "./rule-audit.js";

type Triage = (log: Buffer) => Promise<unknown>;

async function triageOf(checkout: string): Promise<Triage> {
  return (await import(resolve(checkout, "src/triage/triage.ts"))).triageLog as Triage;
}

/** MB of log per CPU second for one pass over the logs. */
async function rate(triage: Triage, logs: readonly Buffer[], bytes: number): Promise<number> {
  const start = process.cpuUsage();
  for (const log of logs) await triage(log);
  const used = process.cpuUsage(start);
  return bytes / 1e6 / ((used.user + used.system) / 1e6);
}

async function main(): Promise<void> {
  const [baseDir, candidateDir] = process.argv.slice(2);
  if (!baseDir || !candidateDir) throw new Error("usage: ab-throughput.ts BASELINE_CHECKOUT CANDIDATE_CHECKOUT [--rounds N]");
  const roundsAt = process.argv.indexOf("--rounds");
  const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 7;
  const [base, candidate] = [await triageOf(baseDir), await triageOf(candidateDir)];
  const logs = auditCases()
    .filter((c) => c.task === "logchunks" || c.task === "cidiff")
    .map((c) => (typeof c.text === "string" ? Buffer.from(c.text) : c.text));
  const bytes = logs.reduce((sum, log) => sum + log.length, 0);
  await rate(base, logs, bytes); // warm both up: the first pass compiles
  await rate(candidate, logs, bytes);
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const [b, c] = [await rate(base, logs, bytes), await rate(candidate, logs, bytes)];
    ratios.push(c / b);
    console.log(`round ${i + 1}: baseline ${b.toFixed(1)} MB/s, candidate ${c.toFixed(1)} MB/s, ratio ${(c / b).toFixed(3)}`);
  }
  ratios.sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)] as number;
  console.log(`candidate/baseline throughput: median ${median.toFixed(3)} over ${rounds} rounds (spread ${ratios[0]?.toFixed(2)}–${ratios.at(-1)?.toFixed(2)}), ${(bytes / 1e6).toFixed(1)} MB of logs`);
}

await main();
