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

export type DeploymentKind = "deploy" | "rollback";

/** One attempt to put an artifact into an environment. */
export interface Deployment {
  id: string;
  service: string;
  environment: string;
  kind: DeploymentKind;
  artifactId: string;
  version: string;
  digest: string;
  state: DeploymentState;
  strategy: "rolling" | "blue-green" | "canary";
  actor: Actor;
  reason: string | null;
  /** What ran in the environment when the deployment started (what a rollback or cancel restores). */
  previousVersion: string | null;
  previousDigest: string | null;
  /** The deployment that put the previous version there (its replicas ran with that deployment's config). */
  previousDeploymentId: string | null;
  /** How many replicas of the previous version served when this deployment started. */
  previousReplicas: number | null;
  /** The traffic split when this deployment started. */
  previousWeights: TrafficWeight[] | null;
  error: string | null;
  errorHint: string | null;
  cancelRequested: boolean;
  /** Break-glass: windows and freezes were overridden by this person, for this reason. */
  override: { by: string; reason: string } | null;
  /** What it waits for now (an approval, a window, a freeze holding a canary), or null. */
  waitingFor: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** A step's parameters, by kind. Each step is idempotent: running it twice has the effect of once. */
export type StepParams =
  /** Make `count` replicas of the new version run (started ones are kept). */
  | { kind: "start"; count: number }
  /** Wait until every replica of the new version passes its readiness probe. */
  | { kind: "wait_ready" }
  /** Probes and smoke tests, against the new replicas directly or through the router; "script": at the script target's url, and its verify command. */
  | { kind: "verify"; via: "replicas" | "router" | "script" }
  /** A script target's command: `deploy` puts the new version in place, `status` waits until it is ready. */
  | { kind: "script"; command: "deploy" | "status" }
  /** Route `weight` % of traffic to the new version and the rest to the previous one. */
  | { kind: "shift"; weight: number }
  /** Hold the current split for `pauseMs`, analysing metrics every interval. */
  | { kind: "analyse"; pauseMs: number }
  /** Drain and stop previous-version replicas until only `keep` remain. */
  | { kind: "stop_old"; keep: number }
  /** Record the new version as what the environment runs. */
  | { kind: "finalize" };

export type StepKind = StepParams["kind"];

export interface Step {
  deploymentId: string;
  idx: number;
  params: StepParams;
  state: StepState;
  result: unknown;
  startedAt: number | null;
  finishedAt: number | null;
}
