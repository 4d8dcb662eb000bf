/**
 * Reads the DORA keys and the KPIs from the rollups: one query for the daily counters and one
 * for the duration histograms of the scope and window, whatever the history's size.
 */
import type { Clock } from "../core/index.js";
import type { Store } from "../store/index.js";
import { DORA_DEFINITIONS, KPI_DEFINITIONS, type DoraDefinitionKey, type KpiKey } from "./definitions.js";
import { countOf, mergeBuckets, quantile, type Bucket } from "./hist.js";
import { ALL_BLOCKS, BLOCK_DAYS, refreshIfStale } from "./rollup.js";
import { DEFAULT_REPORT_YEAR, tierOf, type Tier } from "./tiers.js";
import { addCounts, ALL, emptyCounts, SERVICE_LEVEL, type DailyCounts, type HistMetric } from "./types.js";
import type { MetricsWindow } from "./window.js";

export interface MetricsScope {
  /** One service, or every service. */
  service?: string | undefined;
  /** One environment, or every production environment. */
  environment?: string | undefined;
}

export interface MetricsQuery extends MetricsScope {
  window: MetricsWindow;
  /** Fewer production deployments than this in the window: no tiers, and the report says why (default 10). */
  minDeployments?: number;
  reportYear?: number;
}

export type TierAnswer = Tier | "no data" | "too few deployments" | "no tier for this year";

export interface DoraKeyAnswer<V> {
  value: V | null;
  tier: TierAnswer;
  /** The band of the tier, as the report words it. */
  band: string | null;
  definition: string;
}

export interface Distribution {
  medianMs: number;
  p90Ms: number;
  count: number;
}

export interface DoraReport {
  scope: { service: string | null; environment: string | null };
  window: MetricsWindow;
  reportYear: number;
  deployments: number;
  /** Why tiers are missing, when they are. */
  note: string | null;
  keys: {
    deploymentFrequency: DoraKeyAnswer<{ perDay: number; perWeek: number; perMonth: number; successful: number }>;
    leadTime: DoraKeyAnswer<Distribution>;
    changeFailRate: DoraKeyAnswer<{ rate: number; failed: number; deployments: number }>;
    recoveryTime: DoraKeyAnswer<Distribution & { unrecovered: number }>;
    reworkRate: DoraKeyAnswer<{ rate: number; unplanned: number; deployments: number }>;
  };
}

export interface Kpi {
  key: KpiKey;
  /** A ratio (0..1) or a distribution of durations; null: no data. */
  value: number | Distribution | null;
  unit: "ratio" | "ms";
  numerator?: number;
  denominator?: number;
  definition: string;
}

export interface KpiReport {
  scope: { service: string | null; environment: string | null };
  window: MetricsWindow;
  kpis: Kpi[];
}

/** What a report is computed from: the summed counters and merged histograms of its scope and window. */
export interface Totals {
  counts: DailyCounts;
  hist: Map<HistMetric, Bucket[]>;
}

export const DORA_METRICS = (q: MetricsScope): HistMetric[] => [q.environment ? "lead_env" : "lead", "recovery"];
export const KPI_METRICS: readonly HistMetric[] = ["restore", "approval_wait", "triage"];

/** Reads the totals of a scope and window (after bringing the rollups up to date). */
async function totals(store: Store, clock: Clock, q: MetricsQuery, metrics: readonly HistMetric[]): Promise<Totals> {
  await refreshIfStale(store, clock);
  const service = q.service ?? ALL;
  const environments = await environmentsOf(store, q);
  const daily = store.db.selectFrom("insights_daily").select("counts_json").where("service", "=", service).where("environment", "in", environments).where("day", ">=", q.window.fromDay).where("day", "<=", q.window.toDay);
  const hist = store.db
    .selectFrom("insights_hist")
    .select(["metric", "bucket"])
    .select((eb) => [eb.fn.sum<number>("n").as("n"), eb.fn.min<number>("min_ms").as("min"), eb.fn.max<number>("max_ms").as("max")])
    .where("environment", "in", environments)
    .where("metric", "in", [...metrics])
    .where((eb) => {
      if (service !== ALL) return eb.and([eb("service", "=", service), eb("day", ">=", q.window.fromDay), eb("day", "<=", q.window.toDay)]);
      // Every service: whole blocks inside the window from the block sums, the days at its edges from the daily ones.
      const first = Math.ceil(q.window.fromDay / BLOCK_DAYS) * BLOCK_DAYS;
      const last = Math.floor((q.window.toDay + 1) / BLOCK_DAYS) * BLOCK_DAYS; // exclusive
      if (first >= last) return eb.and([eb("service", "=", ALL), eb("day", ">=", q.window.fromDay), eb("day", "<=", q.window.toDay)]);
      return eb.or([
        eb.and([eb("service", "=", ALL_BLOCKS), eb("day", ">=", first), eb("day", "<", last)]),
        eb.and([eb("service", "=", ALL), eb("day", ">=", q.window.fromDay), eb("day", "<", first)]),
        eb.and([eb("service", "=", ALL), eb("day", ">=", last), eb("day", "<=", q.window.toDay)]),
      ]);
    });
  const [rows, buckets] = await Promise.all([daily.execute(), hist.groupBy(["metric", "bucket"]).execute()]);
  const counts = emptyCounts();
  for (const r of rows) addCounts(counts, JSON.parse(r.counts_json) as DailyCounts);
  const byMetric = new Map<HistMetric, Bucket[]>();
  for (const b of buckets) {
    const list = byMetric.get(b.metric as HistMetric) ?? [];
    list.push({ bucket: Number(b.bucket), n: Number(b.n), min: Number(b.min), max: Number(b.max) });
    byMetric.set(b.metric as HistMetric, list);
  }
  for (const [m, list] of byMetric) byMetric.set(m, mergeBuckets(list));
  return { counts, hist: byMetric };
}

export function distribution(buckets: readonly Bucket[] | undefined): Distribution | null {
  if (!buckets || countOf(buckets) === 0) return null;
  return { medianMs: quantile(buckets, 0.5)!, p90Ms: quantile(buckets, 0.9)!, count: countOf(buckets) };
}

/**
 * The rollup environments a scope reads (named, so the primary key narrows the read): one
 * environment and the service-level rows; or the production environments and the service-level
 * rows ("*" for all services).
 */
export async function environmentsOf(store: Store, q: MetricsScope): Promise<string[]> {
  if (q.environment) return [q.environment, SERVICE_LEVEL];
  if (!q.service) return [ALL, SERVICE_LEVEL];
  const rows = await store.db.selectFrom("insights_daily").select("environment").distinct().where("service", "=", q.service).where("production", "=", 1).execute();
  return [...new Set([SERVICE_LEVEL, ...rows.map((r) => r.environment)])];
}

export const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

export async function doraReport(store: Store, clock: Clock, q: MetricsQuery): Promise<DoraReport> {
  return doraFromTotals(await totals(store, clock, q, DORA_METRICS(q)), q);
}

export async function kpiReport(store: Store, clock: Clock, q: MetricsQuery): Promise<KpiReport> {
  return kpisFromTotals(await totals(store, clock, q, KPI_METRICS), q);
}

export function doraFromTotals({ counts, hist }: Totals, q: MetricsQuery): DoraReport {
  const leadMetric: HistMetric = q.environment ? "lead_env" : "lead";
  const year = q.reportYear ?? DEFAULT_REPORT_YEAR;
  const min = q.minDeployments ?? 10;
  const n = counts.deployments;
  const tooFew = n > 0 && n < min;
  const note = n === 0 ? "no production deployments in the window: no data" : tooFew ? `too few production deployments in the window for a tier: ${n}, at least ${min} are needed` : null;
  const answer = <V>(key: DoraDefinitionKey, value: V | null, tierValue: number | null): DoraKeyAnswer<V> => {
    if (value === null || n === 0) return { value, tier: "no data", band: null, definition: DORA_DEFINITIONS[key] };
    if (tooFew) return { value, tier: "too few deployments", band: null, definition: DORA_DEFINITIONS[key] };
    const band = tierOf(year, key, tierValue);
    return { value, tier: band?.tier ?? "no tier for this year", band: band?.label ?? null, definition: DORA_DEFINITIONS[key] };
  };
  const perDay = counts.succeeded / q.window.days;
  const lead = distribution(hist.get(leadMetric));
  const recovery = distribution(hist.get("recovery"));
  const cfr = ratio(counts.failedChanges, n);
  const rework = ratio(counts.rework, n);
  return {
    scope: { service: q.service ?? null, environment: q.environment ?? null },
    window: q.window,
    reportYear: year,
    deployments: n,
    note,
    keys: {
      deploymentFrequency: answer("deploymentFrequency", n === 0 ? null : { perDay, perWeek: perDay * 7, perMonth: perDay * 30, successful: counts.succeeded }, perDay),
      leadTime: answer("leadTime", lead, lead?.medianMs ?? null),
      changeFailRate: answer("changeFailRate", cfr === null ? null : { rate: cfr, failed: counts.failedChanges, deployments: n }, cfr),
      recoveryTime: answer("recoveryTime", recovery === null ? null : { ...recovery, unrecovered: counts.failedUnrecovered }, recovery?.medianMs ?? null),
      reworkRate: answer("reworkRate", rework === null ? null : { rate: rework, unplanned: counts.rework, deployments: n }, rework),
    },
  };
}

export function kpisFromTotals({ counts: c, hist }: Totals, q: MetricsQuery): KpiReport {
  const rate = (key: KpiKey, numerator: number, denominator: number): Kpi => ({ key, value: ratio(numerator, denominator), unit: "ratio", numerator, denominator, definition: KPI_DEFINITIONS[key] });
  const durations = (key: KpiKey, metric: HistMetric): Kpi => ({ key, value: distribution(hist.get(metric)), unit: "ms", definition: KPI_DEFINITIONS[key] });
  return {
    scope: { service: q.service ?? null, environment: q.environment ?? null },
    window: q.window,
    kpis: [
      rate("deploymentSuccessRate", c.succeeded, c.deployments),
      rate("rollbackSuccessRate", c.rollbacksHealthy, c.rollbacks),
      rate("verificationCompletion", c.verifyCompleted, c.verifyPlanned),
      durations("timeToRestore", "restore"),
      durations("approvalWaitTime", "approval_wait"),
      rate("automationCoverage", c.automated, c.deployments),
      rate("auditCompleteness", c.evidenceComplete, c.deployments),
      rate("pipelinePassRate", c.pipelinePassed, c.pipelineRuns),
      durations("triageTime", "triage"),
    ],
  };
}
