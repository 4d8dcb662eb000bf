/**
 * The baseline: the same report computed from the raw rows at query time, without rollups
 * (each service's history read and reduced on every request). Same definitions and code, so
 * the benchmark also checks that the rollups give exactly the same answers.
 */
import { sql } from "kysely";
import { computeServiceRollup } from "../../src/insights/compute.js";
import { mergeBuckets, sampleBucket, type Bucket } from "../../src/insights/hist.js";
import { loadServiceHistory } from "../../src/insights/load.js";
import { DORA_METRICS, doraFromTotals, KPI_METRICS, kpisFromTotals, type MetricsQuery, type Totals } from "../../src/insights/query.js";
import { addCounts, emptyCounts, SERVICE_LEVEL, type HistMetric } from "../../src/insights/types.js";
import type { DoraReport, KpiReport } from "../../src/insights/index.js";
import type { Store } from "../../src/store/index.js";

async function rawTotals(store: Store, q: MetricsQuery, metrics: readonly HistMetric[]): Promise<Totals> {
  const services = q.service ? [q.service] : (await sql<{ name: string }>`select name from services`.execute(store.db)).rows.map((r) => r.name);
  const counts = emptyCounts();
  const parts = new Map<HistMetric, Bucket[]>();
  for (const service of services) {
    const history = await loadServiceHistory(store.db, service);
    const rollup = computeServiceRollup(history);
    const wanted = (env: string, day: number) =>
      day >= q.window.fromDay && day <= q.window.toDay && (q.environment ? env === q.environment || env === SERVICE_LEVEL : env === SERVICE_LEVEL || history.production.has(env));
    for (const [key, c] of rollup.counts) {
      const i = key.lastIndexOf("|");
      if (wanted(key.slice(0, i), Number(key.slice(i + 1)))) addCounts(counts, c);
    }
    for (const s of rollup.samples) {
      if (!metrics.includes(s.metric) || !wanted(s.environment, s.day)) continue;
      const list = parts.get(s.metric) ?? [];
      list.push(sampleBucket(s.ms));
      parts.set(s.metric, list);
    }
  }
  const hist = new Map<HistMetric, Bucket[]>();
  for (const [m, list] of parts) hist.set(m, mergeBuckets(list));
  return { counts, hist };
}

export async function naiveDora(store: Store, q: MetricsQuery): Promise<DoraReport> {
  return doraFromTotals(await rawTotals(store, q, DORA_METRICS(q)), q);
}

export async function naiveKpis(store: Store, q: MetricsQuery): Promise<KpiReport> {
  return kpisFromTotals(await rawTotals(store, q, KPI_METRICS), q);
}
