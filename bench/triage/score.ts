/** Scoring as the data README prescribes: macro line P/R/F1, grouping accuracy, binary F1. */
import type { LineRange } from "../../src/triage/types.js";

export interface Prf {
  p: number;
  r: number;
  f1: number;
}

/** Line numbers covered by ranges. */
export function linesOf(ranges: readonly LineRange[]): Set<number> {
  const out = new Set<number>();
  for (const r of ranges) for (let i = r.start; i <= r.end; i++) out.add(i);
  return out;
}

/** Precision, recall and F1 of one log's predicted lines against its labeled lines. */
export function linePrf(pred: ReadonlySet<number>, gold: ReadonlySet<number>): Prf {
  let tp = 0;
  for (const n of pred) if (gold.has(n)) tp++;
  const p = pred.size === 0 ? 0 : tp / pred.size;
  const r = gold.size === 0 ? 0 : tp / gold.size;
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

/** Macro average over logs. */
export function macro(all: readonly Prf[]): Prf {
  const n = all.length || 1;
  return {
    p: all.reduce((s, x) => s + x.p, 0) / n,
    r: all.reduce((s, x) => s + x.r, 0) / n,
    f1: all.reduce((s, x) => s + x.f1, 0) / n,
  };
}

/** Grouping accuracy (He et al.): share of lines whose predicted group equals their true group. */
export function groupingAccuracy(pred: readonly string[], truth: readonly string[]): number {
  const predGroups = new Map<string, number[]>();
  const trueGroups = new Map<string, number[]>();
  pred.forEach((g, i) => (predGroups.get(g) ?? predGroups.set(g, []).get(g)!).push(i));
  truth.forEach((g, i) => (trueGroups.get(g) ?? trueGroups.set(g, []).get(g)!).push(i));
  let correct = 0;
  for (const members of predGroups.values()) {
    const t = truth[members[0]!]!;
    const tm = trueGroups.get(t)!;
    if (tm.length === members.length && members.every((i) => truth[i] === t)) correct += members.length;
  }
  return correct / truth.length;
}

/** F1 of the positive class of a binary classifier. */
export function binaryF1(pred: readonly boolean[], truth: readonly boolean[]): Prf {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  pred.forEach((p, i) => {
    if (p && truth[i]) tp++;
    else if (p) fp++;
    else if (truth[i]) fn++;
  });
  const p = tp + fp === 0 ? 0 : tp / (tp + fp);
  const r = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

/** Formats a number with fixed decimals. */
export const fmt = (x: number, d = 3): string => x.toFixed(d);
