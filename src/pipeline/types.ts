/** Plain data types of pipeline runs. */

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled", "skipped"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunSource = "slipway" | "api" | "github" | "gitlab";

/** One stage (a runner stage, a GitHub job, a GitLab job) of a run. */
export interface PipelineStage {
  name: string;
  status: RunStatus;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  exitCode?: number | null;
  /** Why a stage failed in a sentence (timed out after 10m, exit code 1). */
  detail?: string | null;
  url?: string | null;
}

/** A CI pipeline run as Slipway records it. */
export interface PipelineRun {
  id: string;
  source: RunSource;
  externalId: string;
  service: string | null;
  pipeline: string;
  repository: string | null;
  commit: string | null;
  branch: string | null;
  status: RunStatus;
  actor: string | null;
  url: string | null;
  stages: PipelineStage[];
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  artifactDigest: string | null;
  hasLog: boolean;
  logBytes: number | null;
  /** The triage of a failed run with a log: category, evidence, cluster, flaky estimate. */
  triage: unknown;
  createdAt: number;
  updatedAt: number;
}

/** What an ingestion (runner report, generic POST, webhook) says about a run; absent fields keep what was known. */
export interface RunInput {
  source: RunSource;
  externalId: string;
  pipeline: string;
  service?: string | null;
  repository?: string | null;
  commit?: string | null;
  branch?: string | null;
  /** The run's status; absent (a job event) keeps what was known, "running" for a new run. */
  status?: RunStatus;
  actor?: string | null;
  url?: string | null;
  /** Stages reported now; merged by name into the ones known. */
  stages?: PipelineStage[];
  startedAt?: number | null;
  finishedAt?: number | null;
  artifactDigest?: string | null;
  log?: string | null;
}
