/** The definition of every key and KPI, as the API returns it and docs/metrics.md prints it. */

export const DORA_DEFINITIONS = {
  deploymentFrequency:
    "Successful deployments to production environments (production: true in slipway.yaml; by default an environment named prod or production) in the window, per day, per week (×7) and per month (×30).",
  leadTime:
    "For each commit, from its commit time to the end of the first successful production deployment whose artifact contains it (the artifact's commit, the commits recorded with it by `artifact push --commit-time/--commits-from`, and those of earlier builds of the service). Median and p90 (nearest rank) over the commits first deployed in the window.",
  changeFailRate:
    "Production deployments that failed verification or otherwise failed (rolled back, rollback failed, failed) or are linked to an incident, divided by production deployments that finished in the window (cancelled and rejected ones never changed production and are not counted).",
  recoveryTime:
    "For each failed production change: from the end of the failed deployment to the resolution of its linked incident (the earliest, if several) or, without an incident, to the end of the next successful deployment to the same environment. Median (nearest rank) over the recoveries in the window; failed changes not recovered yet are counted apart.",
  reworkRate:
    "Unplanned production deployments divided by all production deployments in the window. Unplanned: a rollback (asked for with `slipway rollback`, or the automatic one a failed deployment ran), a hotfix (its reason mentions the word hotfix), or a redeploy of a version that already succeeded in that environment.",
} as const;

export const KPI_DEFINITIONS = {
  deploymentSuccessRate: "Production deployments that succeeded divided by production deployments that finished (succeeded, rolled back, rollback failed, failed).",
  rollbackSuccessRate:
    "Rollbacks that reached the old version healthy (an automatic rollback that ended rolled_back, or a `slipway rollback` deployment that succeeded) divided by rollbacks attempted in production.",
  verificationCompletion:
    "Production deployments whose verification ran to a verdict (every verify / analyse step passed, or one failed) divided by started production deployments that planned verification.",
  timeToRestore: "For each incident resolved in the window (of the service, or every incident for all services): resolved time minus start time. Median and p90 (nearest rank).",
  approvalWaitTime: "For each production deployment approved in the window: from its creation to its first approval. Median and p90 (nearest rank).",
  automationCoverage:
    "Production deployments run by Slipway from start to end divided by all production deployments; not counted as automated: a break-glass override of windows or freezes, a rollback a person asked for, a failure left to a person (rollback: manual).",
  auditCompleteness:
    "Production deployments with a full evidence chain divided by all production deployments: the artifact records its commit, has provenance (an attached provenance document or the pipeline run that built it), and the deployment was approved where the environment requires approvals. The hash chain itself is checked by `slipway audit verify`.",
  pipelinePassRate: "Finished pipeline runs (succeeded or failed) of the service that succeeded, divided by those runs.",
  triageTime: "For each failed pipeline run with a triage: from the run's end to its triage being stored. Median and p90 (nearest rank).",
} as const;

export type DoraDefinitionKey = keyof typeof DORA_DEFINITIONS;
export type KpiKey = keyof typeof KPI_DEFINITIONS;
