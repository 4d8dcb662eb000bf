/** Domain types shared by every layer. Plain data, no I/O. */

export const DEPLOYMENT_STATES = [
  "queued",
  "awaiting_approval",
  "running",
  "verifying",
  "succeeded",
  "rolling_back",
  "rolled_back",
  "rollback_failed",
  "failed",
  "cancelled",
  "rejected",
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** States in which a deployment is finished and will never change again. */
export const TERMINAL_STATES: readonly DeploymentState[] = [
  "succeeded",
  "rolled_back",
  "rollback_failed",
  "failed",
  "cancelled",
  "rejected",
];

export function isTerminal(state: DeploymentState): boolean {
  return TERMINAL_STATES.includes(state);
}

export type StepState = "pending" | "running" | "done" | "failed" | "skipped";

export type Verdict = "pass" | "fail" | "inconclusive";

/** A version's share of traffic at the router, in percent (0..100). */
export interface TrafficWeight {
  version: string;
  weight: number;
}

/**
 * Cumulative per-version counters kept by the router. Analysis diffs two snapshots to get
 * a window. `latencyBuckets[i]` counts requests with latency <= LATENCY_BUCKETS_MS[i]
 * (not cumulative across buckets); the last bucket is +Inf.
 */
export interface VersionStats {
  version: string;
  requests: number;
  /** Counts by status class: "2xx", "3xx", "4xx", "5xx", and "error" for proxy failures. */
  statusClasses: Record<"2xx" | "3xx" | "4xx" | "5xx" | "error", number>;
  latencyBuckets: number[];
}

/** Upper bounds (ms) of the router's latency histogram buckets; a final +Inf bucket follows. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
];

/** A redeployable build output, content-addressed by `digest` (sha256 hex). */
export interface Artifact {
  id: string;
  service: string;
  version: string;
  digest: string;
  commit: string | null;
  author: string | null;
  sizeBytes: number;
  createdAt: number;
}

/** Who did something: a user or token name, or "slipway" for the engine itself. */
export type Actor = string;
