import type { Verdict, VersionStats } from "../core/index.js";
import { evidenceText, testNumbers } from "./ceilings.js";
import { formatMs, formatPercent, formatRate } from "./format.js";
import { emptyRatioTest, logEValueRateAbove, ratioLogEValue, updateRatioTest, upperCountBound } from "./sequential.js";
import type { RatioTestState } from "./sequential.js";
import { countAbove, errorCount, latencyCount, latencyQuantile } from "./stats.js";
import type { DecisionNumbers } from "./types.js";

/**
 * Canary-versus-baseline comparisons (`max_increase`), over both versions' windows since the
 * analysis began (the same time span, so both saw the same load). The caller has checked that
 * a baseline exists; `min_requests` gates a pass, not a fail.
 *
 * - error-rate: H0 "canary rate ≤ (1 + max_increase) × baseline rate", tested look by look with
 *   the conditional rate-ratio test (sequential.ts), which needs no estimate of the baseline's
 *   rate and no known traffic split. Its state is the one thing analysis carries between looks.
 * - latency-pNN: H0 "canary pNN ≤ (1 + max_increase) × baseline pNN". The baseline's quantile
 *   is bounded above by an always-valid bound U (a tenth of the test's α); H0 then implies that
 *   at most (1 - q) of canary requests are slower than T = (1 + max_increase) × U, which the
 *   one-stream test checks. Both parts hold at every look, so the whole stays within α.
 */

/** The share of a latency comparison's α spent bounding the baseline's quantile. */
export const BASELINE_BOUND_SHARE = 0.1;

/** What a comparison found, merged into the caller's Decision. */
export interface Compared {
  verdict: Verdict;
  numbers: Partial<DecisionNumbers>;
  /** Completes a sentence that starts with the metric's name. */
  reason: string;
}

/** Input of a comparison: cumulative windows since the analysis began. */
export interface CompareInput {
  canary: VersionStats;
  baseline: VersionStats;
  maxIncrease: number;
  /** This test's share of the analysis's α. */
  alpha: number;
  /** True when both versions have `min_requests`: without it nothing passes. */
  enough: boolean;
}

/** Error-rate comparison; returns the updated test to carry into the next look. */
export function compareErrorRate(input: CompareInput, previous: RatioTestState | undefined): Compared & { state: RatioTestState } {
  const { canary, baseline, maxIncrease, alpha, enough } = input;
  const r0 = 1 + maxIncrease;
  const c = { events: Math.min(errorCount(canary), canary.requests), n: canary.requests };
  const b = { events: Math.min(errorCount(baseline), baseline.requests), n: baseline.requests };
  const before = previous ?? emptyRatioTest();
  const delta = {
    canaryEvents: c.events - before.canaryEvents,
    canaryTrials: c.n - before.canaryTrials,
    baselineEvents: b.events - before.baselineEvents,
    baselineTrials: b.n - before.baselineTrials,
  };
  // Counters that went backwards (a router that lost them) teach nothing; the test waits.
  const shrank = Object.values(delta).some((v) => v < 0);
  const state = shrank ? before : updateRatioTest(before, r0, delta);
  const logE = ratioLogEValue(state);
  const pc = c.n > 0 ? c.events / c.n : null;
  const pb = b.n > 0 ? b.events / b.n : null;
  const limit = pb === null ? null : pb * r0;
  const numbers: Partial<DecisionNumbers> = {
    value: pc,
    baselineValue: pb,
    limit,
    test: testNumbers(logE, alpha, { maxIncrease, errors: c.events, baselineErrors: b.events }),
  };
  const head = `${formatRate(pc)} vs baseline ${formatRate(pb)} (limit ${formatRate(limit)} = baseline × (1 + ${formatPercent(maxIncrease)}))`;
  const sample = `${c.events} errors in ${c.n} requests, baseline ${b.events} in ${b.n}`;
  const evidence = `sequential test ${evidenceText(logE, alpha)}`;
  return { state, ...verdictOf(logE, alpha, enough, pc !== null && limit !== null && pc > limit, head, `${evidence} (${sample})`, numbers) };
}

/** Latency comparison at quantile q. Stateless: it reads the cumulative windows afresh. */
export function compareLatency(input: CompareInput, q: number): Compared {
  const { canary, baseline, maxIncrease, alpha, enough } = input;
  const qc = latencyQuantile(canary, q);
  const qb = latencyQuantile(baseline, q);
  const n = latencyCount(canary);
  const nb = latencyCount(baseline);
  const limit = qb === null ? null : qb * (1 + maxIncrease);
  // An always-valid upper bound on the baseline's quantile: at most `below` observations lie at
  // or below the true quantile, so it is no higher than the (below + 1)-th smallest.
  const below = upperCountBound(nb, q, alpha * BASELINE_BOUND_SHARE);
  const bound = nb > 0 && below < nb ? latencyQuantile(baseline, (below + 1) / nb) : null;
  const threshold = bound === null ? null : bound * (1 + maxIncrease);
  const slower = threshold === null ? 0 : countAbove(canary, threshold);
  const testAlpha = alpha * (1 - BASELINE_BOUND_SHARE);
  const logE = threshold === null ? 0 : logEValueRateAbove(slower, n, 1 - q);
  const numbers: Partial<DecisionNumbers> = {
    value: qc,
    baselineValue: qb,
    limit,
    test: testNumbers(logE, testAlpha, {
      maxIncrease,
      baselineBound: bound ?? -1,
      threshold: threshold ?? -1,
      slower,
      allowedShare: 1 - q,
    }),
  };
  const head = `${formatMs(qc)} vs baseline ${formatMs(qb)} (limit ${formatMs(limit)} = baseline × (1 + ${formatPercent(maxIncrease)}))`;
  const facts =
    threshold === null
      ? `the baseline's ${nb} requests do not yet bound its quantile`
      : `${Math.round(slower)} of ${n} requests slower than ${formatMs(threshold)} (the limit at the baseline's upper bound ${formatMs(bound)}), at most ${formatPercent(1 - q)} may be`;
  const evidence = `sequential test ${evidenceText(logE, testAlpha)}`;
  return verdictOf(logE, testAlpha, enough, qc !== null && limit !== null && qc > limit, head, `${facts}; ${evidence}`, numbers);
}

function verdictOf(
  logE: number,
  alpha: number,
  enough: boolean,
  aboveLimit: boolean,
  head: string,
  facts: string,
  numbers: Partial<DecisionNumbers>,
): Compared {
  if (logE >= Math.log(1 / alpha)) return { verdict: "fail", numbers, reason: `${head}: significantly above the limit; ${facts}` };
  if (!enough) return { verdict: "inconclusive", numbers, reason: `${head}: too few requests to pass yet; ${facts}` };
  const how = aboveLimit ? "above the limit, but not significantly" : "within the limit";
  return { verdict: "pass", numbers, reason: `${head}: ${how}; ${facts}` };
}
