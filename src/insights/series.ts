/**
 * The DORA keys week by week over a window, for the dashboard's charts: production deployments
 * (succeeded, failed changes), change fail rate and change lead time of each week, read from the
 * same daily rollups and scope as the reports (query.ts), never from the raw deployments.
 */
import type { Clock } from "../core/index.js";
import type { Store } from "../store/index.js";
import { mergeBuckets, type Bucket } from "./hist.js";
import { distribution, environmentsOf, ratio, type Distribution, type MetricsQuery } from "./query.js";
import { refreshIfStale } from "./rollup.js";
import { addCounts, ALL, DAY_MS, emptyCounts, type DailyCounts } from "./types.js";
import type { MetricsWindow } from "./window.js";

export interface DeliveryWeek {
  /** The week's first day inside the window (00:00 UTC); weeks start on Monday, so the first and last may be cut short by the window. */
  from: number;
  /** How many of the week's days the window holds (1..7). */
  days: number;
  /** Production deployments that finished this week (succeeded, rolled back, rollback failed, failed). */
  deployments: number;
  succeeded: number;
  /** Failed changes, as the change fail rate counts them (a succeeded deployment linked to an incident is one). */
  failedChanges: number;
  changeFailRate: number | null;
  /** Lead time of the commits first deployed this week; null: none. */
  leadTime: Distribution | null;
}

export interface DoraSeries {
  scope: { service: string | null; environment: string | null };
  window: MetricsWindow;
  weeks: DeliveryWeek[];
}

/** Monday-started weeks: day 0 (1970-01-01) was a Thursday. */
export const weekStartOf = (day: number): number => day - ((((day + 3) % 7) + 7) % 7);

export async function doraSeries(store: Store, clock: Clock, q: MetricsQuery): Promise<DoraSeries> {
  await refreshIfStale(store, clock);
  const service = q.service ?? ALL;
  const environments = await environmentsOf(store, q);
  const { fromDay, toDay } = q.window;
  const [daily, hist] = await Promise.all([
    store.db.selectFrom("insights_daily").select(["day", "counts_json"]).where("service", "=", service).where("environment", "in", environments).where("day", ">=", fromDay).where("day", "<=", toDay).execute(),
    store.db
      .selectFrom("insights_hist")
      .select(["day", "bucket"])
      .select((eb) => [eb.fn.sum<number>("n").as("n"), eb.fn.min<number>("min_ms").as("min"), eb.fn.max<number>("max_ms").as("max")])
      .where("service", "=", service)
      .where("environment", "in", environments)
      .where("metric", "=", q.environment ? "lead_env" : "lead")
      .where("day", ">=", fromDay)
      .where("day", "<=", toDay)
      .groupBy(["day", "bucket"])
      .execute(),
  ]);
  const weeks = new Map<number, { counts: DailyCounts; buckets: Bucket[] }>();
  for (let start = weekStartOf(fromDay); start <= toDay; start += 7) weeks.set(start, { counts: emptyCounts(), buckets: [] });
  for (const r of daily) addCounts(weeks.get(weekStartOf(Number(r.day)))!.counts, JSON.parse(r.counts_json) as DailyCounts);
  for (const b of hist) weeks.get(weekStartOf(Number(b.day)))!.buckets.push({ bucket: Number(b.bucket), n: Number(b.n), min: Number(b.min), max: Number(b.max) });
  return {
    scope: { service: q.service ?? null, environment: q.environment ?? null },
    window: q.window,
    weeks: [...weeks].map(([start, { counts: c, buckets }]) => {
      const from = Math.max(start, fromDay);
      return {
        from: from * DAY_MS,
        days: Math.min(start + 6, toDay) - from + 1,
        deployments: c.deployments,
        succeeded: c.succeeded,
        failedChanges: c.failedChanges,
        changeFailRate: ratio(c.failedChanges, c.deployments),
        leadTime: distribution(mergeBuckets(buckets)),
      };
    }),
  };
}
