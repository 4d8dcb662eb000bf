/**
 * The judges `npm run bench:judge` compares, each configured as its documentation shows or as a
 * team with this service (1 % errors, p95 ≈ {@link BASELINE_P95_MS} ms) would set it. Each reads
 * a simulated stream and answers the second at which it would roll back, or null.
 */
import type { AnalysisConfig, VersionStats } from "../../src/core/index.js";
import { analyseWindow, latencyQuantile, type JudgeState } from "../../src/verify/index.js";
import { classifiedHigh } from "./mann-whitney.js";
import { perLookErrorRateFails, perLookLatencyFails } from "./per-look-z.js";
import { BASELINE_P95_MS, BUCKETS, DURATION_S, type Stream, type VersionSeries } from "./streams.js";

export interface Judge {
  name: string;
  /** How it is configured, for the docs. */
  setup: string;
  /** Second of the rollback (1-based), or null if it never rolls back within the run. */
  detect(stream: Stream): Promise<number | null>;
}

/** Running sums of a version's per-second counts, so any window is a subtraction. */
class Prefix {
  readonly requests: Float64Array;
  readonly errors: Float64Array;
  readonly buckets: Float64Array;

  constructor(series: VersionSeries) {
    this.requests = new Float64Array(DURATION_S + 1);
    this.errors = new Float64Array(DURATION_S + 1);
    this.buckets = new Float64Array((DURATION_S + 1) * BUCKETS);
    for (let t = 0; t < DURATION_S; t++) {
      this.requests[t + 1] = this.requests[t]! + series.requests[t]!;
      this.errors[t + 1] = this.errors[t]! + series.errors[t]!;
      for (let b = 0; b < BUCKETS; b++) {
        this.buckets[(t + 1) * BUCKETS + b] = this.buckets[t * BUCKETS + b]! + series.buckets[t * BUCKETS + b]!;
      }
    }
  }

  /** The router's counters for seconds [from, to), as analysis sees a window. */
  window(version: string, from: number, to: number): VersionStats {
    const requests = this.requests[to]! - this.requests[from]!;
    const errors = this.errors[to]! - this.errors[from]!;
    const latencyBuckets = Array.from({ length: BUCKETS }, (_, b) => this.buckets[to * BUCKETS + b]! - this.buckets[from * BUCKETS + b]!);
    return { version, requests, statusClasses: { "2xx": requests - errors, "3xx": 0, "4xx": 0, "5xx": errors, error: 0 }, latencyBuckets };
  }
}

const MAX_INCREASE = 0.2;
const MIN_REQUESTS = 50;
/** The fixed thresholds of the threshold-based judges: 5 % errors (Argo's documented success rate ≥ 95 %), p95 at 1.5× today's. */
export const ERROR_THRESHOLD = 0.05;
export const LATENCY_THRESHOLD_MS = 1.5 * BASELINE_P95_MS;

export const SLIPWAY_ANALYSIS: AnalysisConfig = {
  interval: 1_000,
  min_requests: MIN_REQUESTS,
  alpha: 0.01,
  on_inconclusive: "fail",
  metrics: [
    { name: "error-rate", source: "router", max_increase: MAX_INCREASE },
    { name: "latency-p95", source: "router", max_increase: MAX_INCREASE },
  ],
};

const slipway: Judge = {
  name: "Slipway sequential",
  setup: "error-rate and latency-p95 max_increase 20%, alpha 0.01 for the whole analysis, a look every 1 s",
  async detect(stream) {
    const c = new Prefix(stream.canary);
    const b = new Prefix(stream.baseline);
    let state: JudgeState | undefined;
    for (let t = 1; t <= DURATION_S; t++) {
      const result = await analyseWindow({ analysis: SLIPWAY_ANALYSIS, canary: c.window("canary", 0, t), baseline: b.window("baseline", 0, t), state });
      state = result.state;
      if (result.verdict === "fail") return t;
    }
    return null;
  },
};

const perLook: Judge = {
  name: "Slipway per-look z-test (before)",
  setup: "the same limits, a one-sided test at 1% at each look every 10 s (the old default), min_requests 50",
  async detect(stream) {
    const c = new Prefix(stream.canary);
    const b = new Prefix(stream.baseline);
    for (let t = 10; t <= DURATION_S; t += 10) {
      const canary = c.window("canary", 0, t);
      const baseline = b.window("baseline", 0, t);
      if (perLookErrorRateFails(canary, baseline, MAX_INCREASE, MIN_REQUESTS)) return t;
      if (perLookLatencyFails(canary, baseline, 0.95, MAX_INCREASE, MIN_REQUESTS)) return t;
    }
    return null;
  },
};

/** Canary error rate and p95 over the last minute, as a PromQL `rate(...[1m])` query would give them. */
function lastMinute(c: Prefix, t: number): { errorRate: number; p95: number } {
  const w = c.window("canary", t - 60, t);
  return { errorRate: w.requests > 0 ? w.statusClasses["5xx"] / w.requests : 0, p95: latencyQuantile(w, 0.95) ?? 0 };
}

const argo: Judge = {
  name: "Argo Rollouts analysis",
  setup: `every 1 min: canary error rate over 1 min ≤ ${ERROR_THRESHOLD}, p95 ≤ ${Math.round(LATENCY_THRESHOLD_MS)} ms; failureLimit 3 per metric (fails on the 4th)`,
  async detect(stream) {
    const c = new Prefix(stream.canary);
    let errorFailures = 0;
    let latencyFailures = 0;
    for (let t = 60; t <= DURATION_S; t += 60) {
      const m = lastMinute(c, t);
      if (m.errorRate > ERROR_THRESHOLD) errorFailures++;
      if (m.p95 > LATENCY_THRESHOLD_MS) latencyFailures++;
      if (errorFailures > 3 || latencyFailures > 3) return t;
    }
    return null;
  },
};

const flagger: Judge = {
  name: "Flagger analysis",
  setup: `interval 1 min, threshold 5 failed checks; checks: error rate over 1 min ≤ ${ERROR_THRESHOLD}, p95 ≤ ${Math.round(LATENCY_THRESHOLD_MS)} ms`,
  async detect(stream) {
    const c = new Prefix(stream.canary);
    let failedChecks = 0;
    for (let t = 60; t <= DURATION_S; t += 60) {
      const m = lastMinute(c, t);
      if (m.errorRate > ERROR_THRESHOLD || m.p95 > LATENCY_THRESHOLD_MS) failedChecks++;
      if (failedChecks >= 5) return t;
    }
    return null;
  },
};

const STEP_S = 10;

const kayenta: Judge = {
  name: "Kayenta Mann-Whitney",
  setup: "10 s data points since the start, judged every 1 min: Hodges-Lehmann 95% interval, High if its low end > 0.25 x estimate; any High fails (score < 75)",
  async detect(stream) {
    const c = new Prefix(stream.canary);
    const b = new Prefix(stream.baseline);
    const points = (p: Prefix, version: string, until: number) => {
      const errors: number[] = [];
      const p95s: number[] = [];
      for (let s = 0; s + STEP_S <= until; s += STEP_S) {
        const w = p.window(version, s, s + STEP_S);
        if (w.requests === 0) continue;
        errors.push(w.statusClasses["5xx"] / w.requests);
        p95s.push(latencyQuantile(w, 0.95) ?? 0);
      }
      return { errors, p95s };
    };
    for (let t = 60; t <= DURATION_S; t += 60) {
      const canary = points(c, "canary", t);
      const baseline = points(b, "baseline", t);
      if (classifiedHigh(canary.errors, baseline.errors) || classifiedHigh(canary.p95s, baseline.p95s)) return t;
    }
    return null;
  },
};

export const JUDGES: readonly Judge[] = [slipway, perLook, argo, flagger, kayenta];
