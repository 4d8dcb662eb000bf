/**
 * `tsx bench/triage/top-line.ts`: how often the top line is one of the labeled lines, per data
 * set (LogChunks zero-shot, CiDiff with and without the passing log, PyTorch exact line), and how
 * often it lies outside the returned ranges. A quick check that a change to the top-line choice
 * helps one data set without moving the others.
 */
import { readFileSync } from "node:fs";
import { triageLog, type TriageResult } from "../../src/triage/index.js";
import { loadCiDiff, loadLogChunks, loadPytorch } from "./data.js";

interface Tally { name: string; n: number; inLabel: number; outsideRanges: number }

function count(t: Tally, res: TriageResult, labeled: ReadonlySet<number>): void {
  t.n++;
  const top = res.topLine?.line;
  if (top !== undefined && labeled.has(top)) t.inLabel++;
  if (top !== undefined && !res.ranges.some((r) => top >= r.start && top <= r.end)) t.outsideRanges++;
}

const tallies: Tally[] = [];
const tally = (name: string): Tally => {
  const t = { name, n: 0, inLabel: 0, outsideRanges: 0 };
  tallies.push(t);
  return t;
};

const zero = tally("logchunks zero-shot");
for (const c of loadLogChunks().cases) count(zero, await triageLog(readFileSync(c.logPath)), c.lines);
const withPass = tally("cidiff with passing log");
const without = tally("cidiff without passing log");
for (const c of loadCiDiff()) {
  const fail = readFileSync(c.fail);
  count(withPass, await triageLog(fail, { passLog: readFileSync(c.pass) }), c.lines);
  count(without, await triageLog(fail), c.lines);
}
const pytorch = tally("pytorch (exact line)");
for (const c of loadPytorch()) count(pytorch, await triageLog(c.text), new Set([c.line]));

for (const t of tallies) {
  const share = (k: number) => (k / Math.max(1, t.n)).toFixed(3);
  console.log(`${t.name.padEnd(28)} top line labeled ${share(t.inLabel)} (${t.inLabel}/${t.n})  outside ranges ${t.outsideRanges}`);
}
