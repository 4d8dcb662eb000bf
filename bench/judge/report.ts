/** The judge comparison as a table (printed, and written into docs/benchmarks.md). */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { quantile } from "../core/load.js";
import type { Scenario } from "./streams.js";

/** What one judge did on one scenario's runs: the rollback second of each run, or null. */
export interface Outcome {
  judge: string;
  scenario: string;
  times: (number | null)[];
}

/** Detection figures of one judge on one scenario. */
export interface Detection {
  runs: number;
  detected: number;
  median: number | null;
  p95: number | null;
}

/** Median and p95 over all runs, a miss counting as infinitely late (so p95 is null once 5 % miss). */
export function detection(times: readonly (number | null)[]): Detection {
  const all = times.map((t) => t ?? Infinity);
  const value = (q: number) => {
    const v = quantile(all, q);
    return Number.isFinite(v) ? v : null;
  };
  return { runs: times.length, detected: times.filter((t) => t !== null).length, median: value(0.5), p95: value(0.95) };
}

/** Exact (Clopper–Pearson style, by bisection on the binomial tail) 95 % upper bound of a rate with k of n. */
export function upperBound95(k: number, n: number): number {
  if (k >= n) return 1;
  let low = k / n;
  let high = 1;
  for (let i = 0; i < 60; i++) {
    const p = (low + high) / 2;
    if (binomialCdf(k, n, p) > 0.025) low = p;
    else high = p;
  }
  return high;
}

function binomialCdf(k: number, n: number, p: number): number {
  let term = Math.pow(1 - p, n);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return sum;
}

const seconds = (s: number | null) => (s === null ? "-" : s < 60 ? `${s} s` : `${(s / 60).toFixed(1)} min`);
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Rows: judges; columns: A/A false rollbacks, then median / p95 / misses per regression. */
export function judgeTable(judges: readonly string[], scenarios: readonly Scenario[], outcomes: readonly Outcome[]): string[][] {
  const head = ["judge", ...scenarios.map((s) => (s.regression ? `${s.title}: median / p95 (missed)` : `${s.title}: false rollbacks`))];
  const rows = judges.map((judge) => [
    judge,
    ...scenarios.map((s) => {
      const times = outcomes.find((o) => o.judge === judge && o.scenario === s.id)?.times ?? [];
      const d = detection(times);
      if (!s.regression) return `${d.detected} of ${d.runs} (${percent(d.detected / d.runs)}, ≤ ${percent(upperBound95(d.detected, d.runs))})`;
      return `${seconds(d.median)} / ${seconds(d.p95)} (${d.runs - d.detected})`;
    }),
  ]);
  return [head, ...rows];
}

export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

export function markdownTable(rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(" | ")} |`;
  return [line(rows[0]!), `|${rows[0]!.map(() => "---").join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

const BEGIN = "<!-- judge-bench:begin (written by `npm run bench:judge -- --docs`) -->";
const END = "<!-- judge-bench:end -->";

/** Replaces the generated part of the judge section (adding the section if missing). */
export async function writeJudgeDocs(path: string, body: string): Promise<void> {
  const generated = `${BEGIN}\n${body.trim()}\n${END}`;
  let text = existsSync(path) ? await readFile(path, "utf8") : "# Benchmarks\n";
  if (!text.includes(BEGIN)) text = `${text.trimEnd()}\n\n## Canary judge\n\n${BEGIN}\n${END}\n`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END, start);
  await writeFile(path, text.slice(0, start) + generated + text.slice(end + END.length));
}
