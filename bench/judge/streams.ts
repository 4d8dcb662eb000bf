/**
 * Simulated canaries for `npm run bench:judge`: Poisson request arrivals at 200 req/s, 10 % to
 * the canary, per-request errors and latencies, aggregated per second into exactly the numbers
 * the router keeps (requests, 5xx, the latency histogram's buckets). Every judge reads the same
 * streams. Latencies only matter through their bucket, so a request's bucket is drawn from the
 * distribution's bucket probabilities, computed exactly from its CDF.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { LATENCY_BUCKETS_MS } from "../../src/core/index.js";

export const RATE = 200;
export const CANARY_SHARE = 0.1;
export const BASE_ERROR_RATE = 0.01;
export const BUCKETS = LATENCY_BUCKETS_MS.length + 1;

/** A scenario: how the canary's error rate and latency behave at second t. */
export interface Scenario {
  id: string;
  title: string;
  /** The canary's error rate at second t (1-based). */
  canaryErrorRate(t: number): number;
  /** The canary's latency: as the baseline's, the slow tail doubled, or all of it 1.2× slower. */
  latency: "same" | "slowTail" | "scaled";
  /** False when the canary is within its limits: any rollback is a false one. */
  regression: boolean;
}

/** Seconds of analysis per run: a long canary step (the leak reaches its full size at the end). */
export const DURATION_S = 600;

export const SCENARIOS: readonly Scenario[] = [
  { id: "aa", title: "A/A (no regression)", canaryErrorRate: () => BASE_ERROR_RATE, latency: "same", regression: false },
  {
    id: "limit",
    title: "canary at its limits (errors and latency 1.2x)",
    canaryErrorRate: () => BASE_ERROR_RATE * 1.2,
    latency: "scaled",
    regression: false,
  },
  { id: "err6", title: "errors 1% -> 6%", canaryErrorRate: () => 0.06, latency: "same", regression: true },
  { id: "err2", title: "errors 1% -> 2%", canaryErrorRate: () => 0.02, latency: "same", regression: true },
  { id: "p95x2", title: "p95 latency doubled", canaryErrorRate: () => BASE_ERROR_RATE, latency: "slowTail", regression: true },
  {
    id: "leak",
    title: "slow leak: errors 1% -> 6% over 10 min",
    canaryErrorRate: (t) => BASE_ERROR_RATE + 0.05 * Math.min(1, t / DURATION_S),
    latency: "same",
    regression: true,
  },
];

/**
 * Service latency: a log-normal body (median 40 ms) with 8 % of requests on a slower path
 * (median 150 ms), a common shape for a service with a cache or a downstream call.
 */
function latencyCdf(ms: number): number {
  if (ms <= 0) return 0;
  const body = normalCdf(Math.log(ms), Math.log(40), 0.5);
  const tail = normalCdf(Math.log(ms), Math.log(150), 0.6);
  return 0.92 * body + 0.08 * tail;
}

/** The median of {@link latencyCdf}, by bisection. */
const MEDIAN_MS = quantileOf(0.5, latencyCdf);

/**
 * The regression: requests slower than the median take twice as long (a slow path got slower),
 * so p95 doubles while the median does not move.
 */
function slowTailCdf(ms: number): number {
  if (ms <= MEDIAN_MS) return latencyCdf(ms);
  if (ms < 2 * MEDIAN_MS) return latencyCdf(MEDIAN_MS);
  return latencyCdf(ms / 2);
}

export function quantileOf(q: number, cdf: (ms: number) => number): number {
  let low = 0;
  let high = 1e6;
  for (let i = 0; i < 100; i++) {
    const mid = (low + high) / 2;
    if (cdf(mid) < q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** True p95 of the baseline's latency (what a team reads off its dashboard to set a threshold). */
export const BASELINE_P95_MS = quantileOf(0.95, latencyCdf);

function bucketCumulative(cdf: (ms: number) => number): Float64Array {
  const out = new Float64Array(BUCKETS);
  LATENCY_BUCKETS_MS.forEach((bound, i) => (out[i] = cdf(bound)));
  out[BUCKETS - 1] = 1;
  return out;
}

/** The allowed worst case of max_increase 20%: every request 1.2× slower, so p95 is exactly 1.2× the baseline's. */
function scaledCdf(ms: number): number {
  return latencyCdf(ms / 1.2);
}

const CANARY_BUCKETS = {
  same: bucketCumulative(latencyCdf),
  slowTail: bucketCumulative(slowTailCdf),
  scaled: bucketCumulative(scaledCdf),
} as const;

/** sfc32: small, fast, and good enough for simulation; seeded so runs repeat exactly. */
export function generator(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

function poisson(lambda: number, random: () => number): number {
  // Knuth's product of uniforms; λ ≤ 200 stays far from underflow.
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** Per-second counts of one version: requests, errors, and the latency histogram, flat by second. */
export interface VersionSeries {
  requests: Uint32Array;
  errors: Uint32Array;
  /** [second * BUCKETS + bucket]. */
  buckets: Uint32Array;
}

/** One simulated canary: both versions' per-second counts over {@link DURATION_S} seconds. */
export interface Stream {
  canary: VersionSeries;
  baseline: VersionSeries;
}

function emptySeries(): VersionSeries {
  return { requests: new Uint32Array(DURATION_S), errors: new Uint32Array(DURATION_S), buckets: new Uint32Array(DURATION_S * BUCKETS) };
}

function bucketOf(u: number, cumulative: Float64Array): number {
  let low = 0;
  let high = BUCKETS - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (u <= cumulative[mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}

function fill(series: VersionSeries, t: number, n: number, errorRate: number, cumulative: Float64Array, random: () => number): void {
  series.requests[t] = n;
  let errors = 0;
  for (let i = 0; i < n; i++) {
    if (random() < errorRate) errors++;
    series.buckets[t * BUCKETS + bucketOf(random(), cumulative)]!++;
  }
  series.errors[t] = errors;
}

/** Simulates one run of a scenario. */
export function simulate(scenario: Scenario, random: () => number): Stream {
  const stream = { canary: emptySeries(), baseline: emptySeries() };
  for (let t = 0; t < DURATION_S; t++) {
    // Poisson arrivals split at random 10/90 are two independent Poisson streams.
    fill(stream.canary, t, poisson(RATE * CANARY_SHARE, random), scenario.canaryErrorRate(t + 1), CANARY_BUCKETS[scenario.latency], random);
    fill(stream.baseline, t, poisson(RATE * (1 - CANARY_SHARE), random), BASE_ERROR_RATE, CANARY_BUCKETS.same, random);
  }
  return stream;
}
