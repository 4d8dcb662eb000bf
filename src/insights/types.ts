/** Plain data: one service's history as the rollup reads it, and what the rollup produces. */

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** The deployment states that put a change into an environment (cancelled and rejected ones never did). */
export const CHANGE_STATES = ["succeeded", "rolled_back", "rollback_failed", "failed"] as const;
/** A change that ended like this failed (with or without a linked incident). */
export const FAILED_STATES = ["rolled_back", "rollback_failed", "failed"] as const;

export interface DeploymentFact {
  id: string;
  environment: string;
  kind: "deploy" | "rollback";
  artifactId: string;
  digest: string;
  state: string;
  actor: string;
  reason: string | null;
  overridden: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The first "approve" decision, if any. */
  firstApprovalAt: number | null;
  /** verify / analyse steps: planned, done (pass), failed (fail). */
  verifySteps: { planned: number; done: number; failed: number };
  /** Incidents this deployment is linked to. */
  incidentIds: readonly string[];
}

export interface ArtifactFact {
  id: string;
  createdAt: number;
  commit: string | null;
  /** A provenance document is attached to its digest, or a pipeline run produced it. */
  hasProvenance: boolean;
}

export interface CommitFact {
  artifactId: string;
  sha: string;
  committedAt: number;
}

export interface IncidentFact {
  id: string;
  startedAt: number;
  resolvedAt: number | null;
  /** It belongs to this service (or to none and is linked to it): it counts in the service's incident KPIs. Others only resolve linked deployments. */
  counted: boolean;
}

export interface PipelineRunFact {
  status: string;
  createdAt: number;
  finishedAt: number | null;
  /** When a failed run's triage was stored (its last update), if it has one. */
  triagedAt: number | null;
}

/** Everything the rollup of one service reads. */
export interface ServiceHistory {
  service: string;
  /** Environments that count as production (`production: true`, default prod / production). */
  production: ReadonlySet<string>;
  /** Environments whose deployments need approvals (requires.approvals). */
  approvalEnvs: ReadonlySet<string>;
  deployments: readonly DeploymentFact[];
  artifacts: readonly ArtifactFact[];
  commits: readonly CommitFact[];
  incidents: readonly IncidentFact[];
  pipelineRuns: readonly PipelineRunFact[];
}

/** Counters of one (service, environment, day). Every field is a plain count. */
export interface DailyCounts {
  /** Deployments that changed the environment (finished: succeeded, rolled back, failed). */
  deployments: number;
  succeeded: number;
  failedChanges: number;
  rework: number;
  /** Rollbacks attempted (automatic ones and `slipway rollback`) and those that reached the old version healthy. */
  rollbacks: number;
  rollbacksHealthy: number;
  verifyPlanned: number;
  verifyCompleted: number;
  automated: number;
  evidenceComplete: number;
  approvalsRequired: number;
  failedUnrecovered: number;
  incidentsOpened: number;
  incidentsResolved: number;
  pipelineRuns: number;
  pipelinePassed: number;
  pipelineFailed: number;
  pipelineTriaged: number;
}

export const COUNT_FIELDS = [
  "deployments",
  "succeeded",
  "failedChanges",
  "rework",
  "rollbacks",
  "rollbacksHealthy",
  "verifyPlanned",
  "verifyCompleted",
  "automated",
  "evidenceComplete",
  "approvalsRequired",
  "failedUnrecovered",
  "incidentsOpened",
  "incidentsResolved",
  "pipelineRuns",
  "pipelinePassed",
  "pipelineFailed",
  "pipelineTriaged",
] as const satisfies readonly (keyof DailyCounts)[];

export const emptyCounts = (): DailyCounts => Object.fromEntries(COUNT_FIELDS.map((f) => [f, 0])) as unknown as DailyCounts;

export function addCounts(into: DailyCounts, from: Partial<DailyCounts>): DailyCounts {
  for (const f of COUNT_FIELDS) into[f] += from[f] ?? 0;
  return into;
}

/** Durations measured: lead (per commit, to the first production deployment), per-environment lead, recovery, restore, approval wait, triage. */
export const HIST_METRICS = ["lead", "lead_env", "recovery", "restore", "approval_wait", "triage"] as const;
export type HistMetric = (typeof HIST_METRICS)[number];

/** One duration, on the day it was measured. */
export interface Sample {
  environment: string;
  metric: HistMetric;
  day: number;
  ms: number;
}

/** The environment key of what belongs to a service and not one environment. */
export const SERVICE_LEVEL = "";
/** The service / environment key of sums over every service / every production environment. */
export const ALL = "*";
