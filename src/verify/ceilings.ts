import type { MetricConfig, Verdict, VersionStats } from "../core/index.js";
import { formatMs, formatPercent, formatRate } from "./format.js";
import { logEValueRateAbove } from "./sequential.js";
import { countAbove, errorCount, latencyCount, latencyQuantile } from "./stats.js";
import type { Decision, DecisionNumbers } from "./types.js";

/**
 * `max`: an absolute ceiling on the canary, judged by a sequential test of H0 "the canary is
 * within the ceiling" over the canary's window since the analysis began.
 *
 * - error-rate: H0 "error rate ≤ max".
 * - latency-pNN: "pNN ≤ max" is the same statement as "at most (100 - NN) % of requests are
 *   slower than max", so the test counts requests above the ceiling (read off the histogram,
 *   uniform inside a bucket as the quantile is) against H0 "share ≤ 1 - q".
 *
 * Fail when the e-value reaches 1/α, however few requests that took: the test's boundary
 * already accounts for small samples (one error can never reach it). Otherwise pass once
 * `min_requests` were seen ("no errors in 20 requests" says little about a 1 % ceiling; the
 * minimum is the operator's statement of how much a pass needs), and inconclusive before.
 * A value observed above the ceiling without significance passes too: only a significant
 * result may roll back, or the false-rollback rate would no longer be bounded by α (a canary
 * exactly at its ceiling reads above it half the time). The reason says so.
 */

/** Input of the ceiling checks: the canary's window since the analysis began. */
export interface CeilingInput {
  metric: MetricConfig;
  canary: VersionStats;
  minRequests: number;
  /** This test's share of the analysis's α. */
  alpha: number;
}

/** The test's part of a decision's numbers; e-values above 1e12 are stored as 1e12 (JSON has no Infinity). */
export function testNumbers(logE: number, alpha: number, extra: Record<string, number> = {}): Record<string, number> {
  const all: Record<string, number> = { eValue: boundedE(logE), boundary: 1 / alpha, alpha, ...extra };
  // Six significant digits: what a person reads, without float noise such as 0.050000000000000044.
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Number(v.toPrecision(6))]));
}

/** "e=312 ≥ 1/α=200" or "e=0.41 < 200": the statistic and the boundary it did or did not cross. */
export function evidenceText(logE: number, alpha: number): string {
  const e = boundedE(logE);
  const shown = e >= 1e6 ? e.toExponential(1) : e >= 10 ? String(Math.round(e)) : e.toPrecision(2);
  const boundary = Number((1 / alpha).toPrecision(4));
  return logE >= Math.log(1 / alpha) ? `e=${shown} ≥ 1/α=${boundary}` : `e=${shown} < 1/α=${boundary}`;
}

function boundedE(logE: number): number {
  return Math.min(Math.exp(logE), 1e12);
}

/** Judges the canary's error rate against `max`. */
export function errorRateCeiling(max: number, input: CeilingInput): Decision {
  const { metric, canary, minRequests, alpha } = input;
  const n = canary.requests;
  const errors = Math.min(errorCount(canary), n);
  const numbers: DecisionNumbers = { requests: n, value: n > 0 ? errors / n : null, limit: max, minRequests };
  const decide = (verdict: Verdict, reason: string): Decision => ({ check: metric.name, verdict, numbers, reason });
  if (n === 0) return decide("inconclusive", `${metric.name}: no requests yet (need ${minRequests} to pass)`);
  const logE = logEValueRateAbove(errors, n, max);
  numbers.test = testNumbers(logE, alpha, { errors });
  const rate = errors / n;
  const sample = `${errors} errors in ${n} requests`;
  const head = `${metric.name} ${formatRate(rate)}`;
  const evidence = evidenceText(logE, alpha);
  const relation = rate > max ? `> max ${max}` : `≤ max ${max}`;
  if (logE >= Math.log(1 / alpha)) return decide("fail", `${head} > max ${max}: sequential test ${evidence} (${sample})`);
  if (n < minRequests) return decide("inconclusive", `${head} ${relation}, but only ${n} requests (need ${minRequests} to pass); ${evidence}`);
  const how = rate > max ? "not significantly" : "within the ceiling";
  return decide("pass", `${head} ${relation}, ${how} (${sample}; ${evidence})`);
}

/** Judges the canary's q-quantile latency against `max` (ms). */
export function latencyCeiling(q: number, max: number, input: CeilingInput): Decision {
  const { metric, canary, minRequests, alpha } = input;
  const n = latencyCount(canary);
  const value = latencyQuantile(canary, q);
  const numbers: DecisionNumbers = { requests: n, value, limit: max, minRequests };
  const decide = (verdict: Verdict, reason: string): Decision => ({ check: metric.name, verdict, numbers, reason });
  const head = `${metric.name} ${formatMs(value)}`;
  if (value === null) return decide("inconclusive", `${metric.name}: no requests yet (need ${minRequests} to pass)`);
  const slower = countAbove(canary, max);
  const allowed = 1 - q;
  const logE = logEValueRateAbove(slower, n, allowed);
  numbers.test = testNumbers(logE, alpha, { slower, allowedShare: allowed });
  const evidence = evidenceText(logE, alpha);
  const share = `${formatPercent(Number((slower / n).toFixed(3)))} of ${n} requests slower than ${formatMs(max)}, at most ${formatPercent(allowed)} may be`;
  const relation = value > max ? `> max ${formatMs(max)}` : `≤ max ${formatMs(max)}`;
  if (logE >= Math.log(1 / alpha)) return decide("fail", `${head} > max ${formatMs(max)}: ${share}; sequential test ${evidence}`);
  if (n < minRequests) return decide("inconclusive", `${head} ${relation}, but only ${n} requests (need ${minRequests} to pass); ${evidence}`);
  const how = value > max ? "not significantly" : "within the ceiling";
  return decide("pass", `${head} ${relation}, ${how} (${share}; ${evidence})`);
}
