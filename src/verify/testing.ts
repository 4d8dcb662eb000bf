import { LATENCY_BUCKETS_MS } from "../core/index.js";
import type { MetricConfig, VersionStats } from "../core/index.js";

/**
 * Builders for verify's tests (and the engine's): a window of traffic written the way people
 * describe it ("100 requests, 20 errors, all around 40 ms") instead of as raw counters.
 */

/** A window of traffic for one version. `latency` maps a bucket's upper bound (ms, or Infinity) to a count. */
export function windowOf(spec: {
  version?: string;
  requests: number;
  errors?: number;
  latency?: Record<number, number> | Map<number, number>;
}): VersionStats {
  const errors = spec.errors ?? 0;
  const latencyBuckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  const entries = spec.latency instanceof Map ? [...spec.latency] : Object.entries(spec.latency ?? {});
  for (const [bound, count] of entries) {
    const i = Number(bound) === Infinity ? LATENCY_BUCKETS_MS.length : LATENCY_BUCKETS_MS.indexOf(Number(bound));
    if (i < 0) throw new Error(`${bound} is not a latency bucket bound`);
    latencyBuckets[i] = (latencyBuckets[i] ?? 0) + count;
  }
  if (!spec.latency) latencyBuckets[LATENCY_BUCKETS_MS.indexOf(50)] = spec.requests;
  return {
    version: spec.version ?? "canary",
    requests: spec.requests,
    statusClasses: { "2xx": spec.requests - errors, "3xx": 0, "4xx": 0, "5xx": errors, error: 0 },
    latencyBuckets,
  };
}

/** A router metric config as the schema would produce it. */
export function routerMetric(fields: Partial<MetricConfig> & { name: string }): MetricConfig {
  return { source: "router", ...fields };
}
