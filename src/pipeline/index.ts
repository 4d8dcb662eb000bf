/**
 * Pipeline runs: the paved-road runner (`slipway pipeline run`: required variables and secret
 * references checked first, stages with timeouts, redacted output), runs ingested from CI (a
 * generic report, GitHub and GitLab webhooks verified per repository), automatic triage of
 * failed runs, and the trace from a commit to production.
 */
export * from "./types.js";
export { MAX_STORED_LOG_BYTES, boundedLog, findRun, getRunLog, listRuns, requireRun, setRunLog, type RunQuery } from "./runs-repo.js";
export { trace, type Trace, type TraceArtifact, type TraceDeployment } from "./trace.js";
export { MAX_RUN_LOG_BYTES, ingestRun, reportToInput, runReportSchema, triageIfFailed, type IngestContext, type RunReport } from "./ingest.js";
export {
  WEBHOOK_PROVIDERS,
  addWebhookSource,
  findWebhookSource,
  listWebhookSources,
  recordDelivery,
  removeWebhookSource,
  seenDelivery,
  verifyGithubSignature,
  verifyGitlabToken,
  type WebhookProvider,
  type WebhookSource,
} from "./webhooks.js";
export { fromGithub, fromGitlab, githubRepository, gitlabRepository } from "./ci-events.js";
export { checkBuildEnvironment, runStages, type RunStagesOptions, type StageSpec, type StagesResult } from "./runner.js";
