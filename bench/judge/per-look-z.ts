/**
 * The judge Slipway shipped before the sequential one, kept verbatim in its numerics as a
 * baseline for `npm run bench:judge`: at every look, a one-sided test at α = 1 % on the window
 * since the step began (error rate: a pooled two-proportion z-test against the limit
 * max(baseline × (1 + max_increase), baseline + 0.005); latency: an exact binomial test of
 * the requests slower than baseline pNN × (1 + max_increase)). Both versions need
 * `min_requests` before either may fail. Each look is a fresh chance of a false alarm.
 */
import type { VersionStats } from "../../src/core/index.js";
import { countAbove, errorCount, latencyCount, latencyQuantile } from "../../src/verify/index.js";

/** One-sided significance level per look. */
export const PER_LOOK_ALPHA = 0.01;
/** The smallest error-rate increase that could fail a canary, as an absolute fraction. */
export const ERROR_RATE_FLOOR = 0.005;

/** True when the old judge failed the canary's error rate at this look. */
export function perLookErrorRateFails(canary: VersionStats, baseline: VersionStats, maxIncrease: number, minRequests: number): boolean {
  if (canary.requests < minRequests || baseline.requests < minRequests) return false;
  const c = { events: Math.min(errorCount(canary), canary.requests), n: canary.requests };
  const b = { events: Math.min(errorCount(baseline), baseline.requests), n: baseline.requests };
  const pb = b.events / b.n;
  const ratioBinds = pb * maxIncrease >= ERROR_RATE_FLOOR;
  const { pValue } = ratioBinds ? marginZTest(c, b, 1 + maxIncrease, 0) : marginZTest(c, b, 1, ERROR_RATE_FLOOR);
  return pValue < PER_LOOK_ALPHA;
}

/** True when the old judge failed the canary's q-quantile latency at this look. */
export function perLookLatencyFails(canary: VersionStats, baseline: VersionStats, q: number, maxIncrease: number, minRequests: number): boolean {
  const n = latencyCount(canary);
  if (n < minRequests || latencyCount(baseline) < minRequests) return false;
  const qc = latencyQuantile(canary, q);
  const qb = latencyQuantile(baseline, q);
  if (qc === null || qb === null) return false;
  const limit = qb * (1 + maxIncrease);
  if (qc <= limit) return false;
  const slower = Math.floor(countAbove(canary, limit));
  return binomialUpperTail(slower, n, 1 - q) < PER_LOOK_ALPHA;
}

/** P(Z > z) for a standard normal Z. */
function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const ans = t * Math.exp(-z * z + poly);
  return x >= 0 ? ans : 2 - ans;
}

/**
 * One-sided test that the canary's proportion exceeds `a · p_baseline + b` (a ratio limit when
 * b = 0, an additive one when a = 1). The variance is taken at the pooled estimate under the
 * null hypothesis (both samples' events explained by rates exactly on the limit), which is
 * the pooled two-proportion z-test generalised to a margin.
 */
function marginZTest(
  canary: { events: number; n: number },
  baseline: { events: number; n: number },
  a: number,
  b: number,
): { z: number; pValue: number } {
  const pc = canary.events / canary.n;
  const pb = baseline.events / baseline.n;
  const diff = pc - (a * pb + b);
  const pooledB = clamp01((canary.events + baseline.events - canary.n * b) / (a * canary.n + baseline.n));
  const pooledC = clamp01(a * pooledB + b);
  const variance = (pooledC * (1 - pooledC)) / canary.n + (a * a * pooledB * (1 - pooledB)) / baseline.n;
  if (variance <= 0) {
    const z = diff > 0 ? Infinity : diff < 0 ? -Infinity : 0;
    return { z, pValue: diff > 0 ? 0 : 1 };
  }
  const z = diff / Math.sqrt(variance);
  return { z, pValue: normalUpperTail(z) };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), exactly: the normal approximation is poor exactly where
 * latency tails live (p = 0.01 for a p99, n in the hundreds).
 */
function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  // Sum from whichever side is the tail, stopping once terms no longer move the sum.
  if (k > n * p) return sumTerms(n, p, k, 1);
  return 1 - sumTerms(n, p, k - 1, -1);
}

function sumTerms(n: number, p: number, from: number, step: 1 | -1): number {
  let sum = 0;
  for (let i = from; i >= 0 && i <= n; i += step) {
    const term = Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
    sum += term;
    if (term < sum * 1e-15) break;
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}
