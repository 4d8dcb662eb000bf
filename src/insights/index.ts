/**
 * Delivery insights: the DORA keys (deployment frequency, change lead time per commit, change
 * fail rate, failed deployment recovery time, deployment rework rate) with their performance
 * tiers by report year, and the paved road's KPIs, read from daily rollups kept current
 * incrementally. Definitions: definitions.ts and docs/metrics.md.
 */
export { doraReport, kpiReport, type DoraReport, type KpiReport, type Kpi, type MetricsQuery, type Distribution, type DoraKeyAnswer, type TierAnswer } from "./query.js";
export { doraSeries, weekStartOf, type DoraSeries, type DeliveryWeek } from "./series.js";
export { parseWindow, type MetricsWindow } from "./window.js";
export { refreshInsights, resetInsights, type RefreshResult } from "./rollup.js";
export { DORA_DEFINITIONS, KPI_DEFINITIONS } from "./definitions.js";
export { TIER_TABLES, DEFAULT_REPORT_YEAR, tierOf, reportYears, type Tier, type DoraKey } from "./tiers.js";
export { isProductionEnv, productionEnvs } from "./production.js";
export { recordArtifactCommits, parseCommitList, type CommitInput } from "./commits.js";
