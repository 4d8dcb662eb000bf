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
