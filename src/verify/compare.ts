import type { Verdict, VersionStats } from "../core/index.js";
import { formatMs, formatP, formatPercent, formatRate } from "./format.js";
import {
  binomialUpperTail,
  countAbove,
  errorCount,
  latencyCount,
  latencyQuantile,
  marginZTest,
} from "./stats.js";
import type { DecisionNumbers } from "./types.js";

/**
 * Canary-versus-baseline comparisons (`max_increase`), both windows covering the same time and
 * each holding at least `min_requests` (checked by the caller).
 *
 * Analysis looks again every `interval`, so each look is a new chance of a false alarm. A
 * one-sided alpha of 1% per look keeps false rollbacks rare over a canary step's dozens of
 * looks while a real regression (5× the errors, a doubled p95) is still significant within a
 * few hundred requests. A canary that is above its limit but not significantly so is
 * inconclusive, never passed; the step's `on_inconclusive` policy decides when time runs out.
 */

/** One-sided significance level per look. */
export const ALPHA = 0.01;

/**
 * The smallest error-rate increase that can fail a canary, as an absolute fraction. Without it
 * a baseline at 0 errors makes any single canary error "infinitely worse"; with it the limit is
 * max(baseline × (1 + max_increase), baseline + 0.005): half a percentage point is below what
 * users notice and above what a handful of stray errors produce.
 */
export const ERROR_RATE_FLOOR = 0.005;

/** What a comparison found, merged into the caller's Decision. */
export interface Compared {
  verdict: Verdict;
  numbers: Partial<DecisionNumbers>;
  /** Completes a sentence that starts with the metric's name. */
  reason: string;
}

/**
 * Error rate: a one-sided two-proportion z-test, pooled under the null hypothesis that the
 * canary sits exactly on the limit. Fail if the canary is significantly above the limit; pass
 * if it is not significant and the observed rate is at or under the limit.
 */
export function compareErrorRate(canary: VersionStats, baseline: VersionStats, maxIncrease: number): Compared {
  const c = { events: Math.min(errorCount(canary), canary.requests), n: canary.requests };
  const b = { events: Math.min(errorCount(baseline), baseline.requests), n: baseline.requests };
  const pc = c.events / c.n;
  const pb = b.events / b.n;
  // The limit is whichever of the ratio and the floor is higher; test against that same line.
  const ratioBinds = pb * maxIncrease >= ERROR_RATE_FLOOR;
  const limit = ratioBinds ? pb * (1 + maxIncrease) : pb + ERROR_RATE_FLOOR;
  const { z, pValue } = ratioBinds ? marginZTest(c, b, 1 + maxIncrease, 0) : marginZTest(c, b, 1, ERROR_RATE_FLOOR);
  const numbers: Partial<DecisionNumbers> = {
    value: pc,
    baselineValue: pb,
    limit,
    test: { z: finite(z), pValue, alpha: ALPHA, maxIncrease, floor: ERROR_RATE_FLOOR },
  };
  const limitText = ratioBinds
    ? `limit ${formatRate(limit)} = baseline × (1 + ${formatPercent(maxIncrease)})`
    : `limit ${formatRate(limit)} = baseline + ${ERROR_RATE_FLOOR}`;
  const facts = `${limitText}; z=${finite(z).toFixed(2)}, p=${formatP(pValue)}; n=${c.n}, baseline n=${b.n}`;
  const head = `${formatRate(pc)} vs baseline ${formatRate(pb)}`;
  if (pValue < ALPHA) return { verdict: "fail", numbers, reason: `${head}: significantly above ${facts}` };
  if (pc <= limit) return { verdict: "pass", numbers, reason: `${head}: within ${facts}` };
  return { verdict: "inconclusive", numbers, reason: `${head}: above the limit, not yet significant (${facts})` };
}

/**
 * Latency quantile q: the limit is baseline's quantile × (1 + max_increase). If the canary's
 * quantile is above it, a quantile (sign) test decides whether that is more than noise: were
 * the canary's true q-quantile at the limit, at most (1 − q) of its requests would be slower
 * than the limit, so the count of slower requests is checked against Binomial(n, 1 − q),
 * exactly. This asks for more evidence for p99 than for p50, as it should. The baseline's own
 * quantile is taken as measured: it usually has several times the canary's traffic.
 */
export function compareLatency(canary: VersionStats, baseline: VersionStats, q: number, maxIncrease: number): Compared {
  const n = latencyCount(canary);
  const qc = latencyQuantile(canary, q);
  const qb = latencyQuantile(baseline, q);
  if (qc === null || qb === null) {
    return { verdict: "inconclusive", numbers: { value: qc, baselineValue: qb }, reason: "has an empty histogram" };
  }
  const limit = qb * (1 + maxIncrease);
  const slower = Math.floor(countAbove(canary, limit));
  const pValue = qc > limit ? binomialUpperTail(slower, n, 1 - q) : 1;
  const numbers: Partial<DecisionNumbers> = {
    value: qc,
    baselineValue: qb,
    limit,
    test: { slowerThanLimit: slower, expectedAtMost: n * (1 - q), pValue, alpha: ALPHA, maxIncrease },
  };
  const head = `${formatMs(qc)} vs baseline ${formatMs(qb)}`;
  const facts =
    `limit ${formatMs(limit)} = baseline × (1 + ${formatPercent(maxIncrease)}); ` +
    `${slower} of ${n} slower than the limit, p=${formatP(pValue)}; baseline n=${latencyCount(baseline)}`;
  if (qc <= limit) return { verdict: "pass", numbers, reason: `${head}: within ${facts}` };
  if (pValue < ALPHA) return { verdict: "fail", numbers, reason: `${head}: significantly above ${facts}` };
  return { verdict: "inconclusive", numbers, reason: `${head}: above the limit, not yet significant (${facts})` };
}

/** Infinity does not survive JSON; a very large z says the same thing. */
function finite(z: number): number {
  return Number.isFinite(z) ? z : Math.sign(z) * 1e6;
}
