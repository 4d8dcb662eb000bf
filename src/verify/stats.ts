import { LATENCY_BUCKETS_MS } from "../core/index.js";
import type { VersionStats } from "../core/index.js";

/**
 * Windows over the router's cumulative counters, and the few statistical tools analysis needs.
 * Pure functions, no I/O: every decision can be recomputed from the stored numbers.
 */

const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx", "error"] as const;

/**
 * The traffic a version received between two cumulative snapshots. A missing `before` means
 * the version had seen nothing yet. If the counters went backwards the router restarted and
 * reset them, so `after` alone is the best window there is (as Prometheus treats a reset).
 */
export function diffStats(before: VersionStats | undefined, after: VersionStats): VersionStats {
  if (!before || after.requests < before.requests) return cloneStats(after);
  const buckets = Math.max(before.latencyBuckets.length, after.latencyBuckets.length);
  return {
    version: after.version,
    requests: after.requests - before.requests,
    statusClasses: Object.fromEntries(
      STATUS_CLASSES.map((c) => [c, Math.max(0, (after.statusClasses[c] ?? 0) - (before.statusClasses[c] ?? 0))]),
    ) as VersionStats["statusClasses"],
    latencyBuckets: Array.from({ length: buckets }, (_, i) =>
      Math.max(0, (after.latencyBuckets[i] ?? 0) - (before.latencyBuckets[i] ?? 0)),
    ),
  };
}

function cloneStats(s: VersionStats): VersionStats {
  return { ...s, statusClasses: { ...s.statusClasses }, latencyBuckets: [...s.latencyBuckets] };
}

/** Requests that failed from the client's point of view: 5xx answers and proxy errors. */
export function errorCount(w: VersionStats): number {
  return (w.statusClasses["5xx"] ?? 0) + (w.statusClasses.error ?? 0);
}

/** (5xx + error) / requests, or null when there were no requests (no rate to speak of). */
export function errorRate(w: VersionStats): number | null {
  return w.requests > 0 ? errorCount(w) / w.requests : null;
}

/** How many latency observations the histogram holds. */
export function latencyCount(w: VersionStats): number {
  return w.latencyBuckets.reduce((a, b) => a + b, 0);
}

/**
 * The q-quantile (0..1) of the latency histogram, interpolating linearly inside the bucket
 * that holds it (the first bucket starts at 0), as Prometheus' histogram_quantile does. A
 * quantile in the +Inf bucket is reported as the last finite bound: all the histogram can
 * say is "at least that much". Null when the histogram is empty.
 */
export function latencyQuantile(w: VersionStats, q: number, bounds: readonly number[] = LATENCY_BUCKETS_MS): number | null {
  const total = latencyCount(w);
  if (total === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let below = 0;
  for (let i = 0; i < w.latencyBuckets.length; i++) {
    const count = w.latencyBuckets[i] ?? 0;
    if (count > 0 && below + count >= rank) {
      const upper = bounds[i];
      if (upper === undefined) return bounds[bounds.length - 1] ?? null;
      const lower = i === 0 ? 0 : (bounds[i - 1] ?? 0);
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return bounds[bounds.length - 1] ?? null;
}

/**
 * Observations above `threshold` ms, reading the histogram as uniform inside each bucket (the
 * same assumption latencyQuantile makes, so the two agree). The +Inf bucket counts as above
 * any finite threshold at or beyond the last bound.
 */
export function countAbove(w: VersionStats, threshold: number, bounds: readonly number[] = LATENCY_BUCKETS_MS): number {
  let above = 0;
  for (let i = 0; i < w.latencyBuckets.length; i++) {
    const count = w.latencyBuckets[i] ?? 0;
    const lower = i === 0 ? 0 : (bounds[i - 1] ?? Infinity);
    const upper = bounds[i] ?? Infinity;
    if (threshold < lower) above += count;
    else if (threshold < upper && Number.isFinite(upper)) above += (count * (upper - threshold)) / (upper - lower);
    else if (threshold < upper) above += count; // +Inf bucket: everything in it is beyond the last bound
  }
  return above;
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * ½·χ²(2x, 0.025) for x = 1, 2, 3: the Poisson lower bounds Brown, Cai & DasGupta (2001)
 * substitute for Wilson's at one to three events, where Wilson's low end is too high.
 */
const POISSON_LOW_95 = [0, 0.0253178, 0.2422093, 0.6186721];

/**
 * The 95% Wilson score interval of a proportion: honest at small n and near 0, unlike p ± z·se.
 * With one to three events among few trials Wilson's low end is known to sit too high (one
 * error in 15 requests would "prove" a rate above 1%), so there the lower bound is the
 * Poisson one, as Brown, Cai & DasGupta recommend (x ≤ 2 for n ≤ 50, x ≤ 3 for n ≤ 100).
 */
export function wilsonInterval(successes: number, n: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  let low = Math.max(0, centre - half);
  if (successes >= 1 && (successes <= 2 || (successes === 3 && n > 50)) && n <= 100) {
    low = Math.min(low, POISSON_LOW_95[successes]! / n);
  }
  return { low, high: Math.min(1, centre + half) };
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
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
export function marginZTest(
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
export function binomialUpperTail(k: number, n: number, p: number): number {
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
