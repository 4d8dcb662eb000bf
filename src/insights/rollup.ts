/**
 * The rollups the metrics are read from, kept current incrementally. A refresh finds the
 * services with rows changed since the watermark (deployments, artifacts, approvals,
 * incidents, pipeline runs, slipway.yaml), recomputes each one's days from its history, writes
 * only the days that differ, then re-sums the all-services rows ("*") of those days.
 */
import { sql } from "kysely";
import type { Clock } from "../core/index.js";
import type { Db, Store } from "../store/index.js";
import { computeServiceRollup } from "./compute.js";
import { mergeBuckets, sampleBucket, type Bucket } from "./hist.js";
import { loadServiceHistories } from "./load.js";
import { addCounts, ALL, emptyCounts, SERVICE_LEVEL, type DailyCounts, type ServiceHistory } from "./types.js";

/** Rows changed this close to the watermark are looked at again next time: a transaction may commit a little after its rows' timestamps. */
const SLACK_MS = 5_000;
const CHUNK = 400;
/** All services' histograms by block of days. */
export const ALL_BLOCKS = "*blocks";
export const BLOCK_DAYS = 32;

export interface RefreshResult {
  services: number;
  days: number;
}

interface DailyRow {
  environment: string;
  day: number;
  production: number;
  counts_json: string;
}
interface HistRow extends Bucket {
  environment: string;
  metric: string;
  day: number;
  production: number;
}

/** When each store was last brought up to date by this process (clock time). */
const lastRefresh = new WeakMap<Store, number>();
/** Reports in quick succession share one refresh: they may miss what changed in the last second. */
const REFRESH_EVERY_MS = 1_000;

/** Brings the rollups up to date unless this process did less than a second ago. */
export async function refreshIfStale(store: Store, clock: Clock): Promise<void> {
  const last = lastRefresh.get(store);
  if (last !== undefined && clock.now() - last < REFRESH_EVERY_MS && clock.now() >= last) return;
  await refreshInsights(store, clock);
}

/** Brings the rollups up to date; serialized across instances by the insights_state row lock. */
export async function refreshInsights(store: Store, clock: Clock): Promise<RefreshResult> {
  lastRefresh.set(store, clock.now());
  return store.db.transaction().execute(async (trx) => {
    await trx.insertInto("insights_state").values({ id: 1, watermark: -1 }).onConflict((oc) => oc.column("id").doNothing()).execute();
    let lock = trx.selectFrom("insights_state").select("watermark").where("id", "=", 1);
    if (store.dialect === "postgres") lock = lock.forUpdate();
    const watermark = Number((await lock.executeTakeFirstOrThrow()).watermark);
    const now = clock.now();
    const services = await changedServices(trx, watermark);
    const days = await rebuildServices(trx, services, watermark < 0);
    await rebuildAllServices(trx, days);
    await trx.updateTable("insights_state").set({ watermark: now - SLACK_MS }).where("id", "=", 1).execute();
    // Without statistics of freshly filled tables, PostgreSQL reads one service's rows through the day index (every service's rows).
    if (watermark < 0 && store.dialect === "postgres") await sql`analyze insights_daily, insights_hist`.execute(trx);
    return { services: services.length, days: days.length };
  });
}

async function changedServices(db: Db, watermark: number): Promise<string[]> {
  if (watermark < 0) {
    const rows = await sql<{ service: string }>`select name as service from services union select distinct service from deployments`.execute(db);
    return rows.rows.map((r) => r.service);
  }
  const rows = await sql<{ service: string | null }>`
    select service from deployments where updated_at > ${watermark}
    union select service from artifacts where created_at > ${watermark}
    union select d.service from approvals a join deployments d on d.id = a.deployment_id where a.at > ${watermark}
    union select service from incidents where updated_at > ${watermark}
    union select d.service from incidents i join incident_deployments l on l.incident_id = i.id join deployments d on d.id = l.deployment_id where i.updated_at > ${watermark}
    union select service from pipeline_runs where updated_at > ${watermark}
    union select name as service from services where updated_at > ${watermark}`.execute(db);
  return rows.rows.map((r) => r.service).filter((s): s is string => s !== null);
}

/** Services recomputed together: one query per table for the batch. */
const SERVICE_BATCH = 25;

/** Recomputes services' rows; returns the days whose rows changed. `fresh`: a first build, with no rows to compare with. */
export async function rebuildServices(db: Db, services: readonly string[], fresh = false): Promise<number[]> {
  const days = new Set<number>();
  for (const batch of chunks(services, SERVICE_BATCH)) {
    const dailyRows: (DailyRow & { service: string })[] = [];
    const histRows: (HistRow & { service: string })[] = [];
    for (const history of await loadServiceHistories(db, batch)) {
      const { daily, hist } = rowsOf(history);
      const changed = fresh ? new Set([...daily.values()].map((r) => r.day).concat([...hist.values()].map((r) => r.day))) : await changedDays(db, history.service, daily, hist);
      if (changed.size === 0) continue;
      if (!fresh) {
        for (const part of chunks([...changed], CHUNK)) {
          await db.deleteFrom("insights_daily").where("service", "=", history.service).where("day", "in", part).execute();
          await db.deleteFrom("insights_hist").where("service", "=", history.service).where("day", "in", part).execute();
        }
      }
      for (const r of daily.values()) if (changed.has(r.day)) dailyRows.push({ service: history.service, ...r });
      for (const r of hist.values()) if (changed.has(r.day)) histRows.push({ service: history.service, ...r });
      for (const d of changed) days.add(d);
    }
    for (const part of chunks(dailyRows, 3000)) await db.insertInto("insights_daily").values(part).execute();
    for (const part of chunks(histRows, 3000)) {
      await db.insertInto("insights_hist").values(part.map((r) => ({ service: r.service, environment: r.environment, metric: r.metric, day: r.day, production: r.production, bucket: r.bucket, n: r.n, min_ms: r.min, max_ms: r.max }))).execute();
    }
  }
  return [...days];
}

/** A service's rollup rows, keyed `env|day` and `env|metric|day|bucket`. */
function rowsOf(history: ServiceHistory): { daily: Map<string, DailyRow>; hist: Map<string, HistRow> } {
  const { counts, samples } = computeServiceRollup(history);
  const prod = (env: string) => (env === SERVICE_LEVEL || history.production.has(env) ? 1 : 0);
  const daily = new Map<string, DailyRow>();
  for (const [key, c] of counts) {
    const [environment, day] = splitKey(key);
    daily.set(key, { environment, day, production: prod(environment), counts_json: JSON.stringify(c) });
  }
  const grouped = new Map<string, Bucket[]>();
  for (const s of samples) {
    const key = `${s.environment}|${s.metric}|${s.day}`;
    const list = grouped.get(key);
    if (list) list.push(sampleBucket(s.ms));
    else grouped.set(key, [sampleBucket(s.ms)]);
  }
  const hist = new Map<string, HistRow>();
  for (const [key, parts] of grouped) {
    const [environment, metric, day] = key.split("|") as [string, string, string];
    for (const b of mergeBuckets(parts)) hist.set(`${key}|${b.bucket}`, { environment, metric, day: Number(day), production: prod(environment), ...b });
  }
  return { daily, hist };
}

/** The days whose stored rows differ from the recomputed ones. */
async function changedDays(db: Db, service: string, daily: Map<string, DailyRow>, hist: Map<string, HistRow>): Promise<Set<number>> {
  const oldDaily = await db.selectFrom("insights_daily").select(["environment", "day", "production", "counts_json"]).where("service", "=", service).execute();
  const oldHist = await db.selectFrom("insights_hist").select(["environment", "metric", "day", "production", "bucket", "n", "min_ms", "max_ms"]).where("service", "=", service).execute();
  const changed = new Set<number>();
  const seenDaily = new Set<string>();
  for (const r of oldDaily) {
    const key = `${r.environment}|${r.day}`;
    seenDaily.add(key);
    const now = daily.get(key);
    if (!now || now.counts_json !== r.counts_json || now.production !== Number(r.production)) changed.add(Number(r.day));
  }
  for (const [key, r] of daily) if (!seenDaily.has(key)) changed.add(r.day);
  const seenHist = new Set<string>();
  for (const r of oldHist) {
    const key = `${r.environment}|${r.metric}|${r.day}|${r.bucket}`;
    seenHist.add(key);
    const now = hist.get(key);
    if (!now || now.n !== Number(r.n) || now.min !== Number(r.min_ms) || now.max !== Number(r.max_ms) || now.production !== Number(r.production)) changed.add(Number(r.day));
  }
  for (const [key, r] of hist) if (!seenHist.has(key)) changed.add(r.day);
  return changed;
}

/**
 * The "*" rows of some days: per environment over every service, "*" over every service's
 * production environments, and "" (service-level facts) over every service.
 */
export async function rebuildAllServices(db: Db, days: readonly number[]): Promise<void> {
  for (const part of chunks([...days].sort((a, b) => a - b), CHUNK)) {
    await db.deleteFrom("insights_daily").where("service", "=", ALL).where("day", "in", part).execute();
    await db.deleteFrom("insights_hist").where("service", "=", ALL).where("day", "in", part).execute();
    const rows = await db.selectFrom("insights_daily").select(["environment", "day", "production", "counts_json"]).where("service", "<>", ALL).where("day", "in", part).execute();
    const sums = new Map<string, { environment: string; day: number; production: number; counts: DailyCounts }>();
    const add = (environment: string, day: number, production: number, counts: DailyCounts) => {
      const key = `${environment}|${day}`;
      const s = sums.get(key) ?? { environment, day, production, counts: emptyCounts() };
      addCounts(s.counts, counts);
      sums.set(key, s);
    };
    for (const r of rows) {
      const counts = JSON.parse(r.counts_json) as DailyCounts;
      const day = Number(r.day);
      if (r.environment === SERVICE_LEVEL) add(SERVICE_LEVEL, day, 1, counts);
      else {
        add(r.environment, day, 0, counts);
        if (Number(r.production) === 1) add(ALL, day, 1, counts);
      }
    }
    for (const values of chunks([...sums.values()], 500)) {
      await db.insertInto("insights_daily").values(values.map((s) => ({ service: ALL, environment: s.environment, day: s.day, production: s.production, counts_json: JSON.stringify(s.counts) }))).execute();
    }
    await sql`insert into insights_hist (service, environment, metric, day, production, bucket, n, min_ms, max_ms)
      select '*', environment, metric, day, case when environment = '' then 1 else 0 end, bucket, sum(n), min(min_ms), max(max_ms)
      from insights_hist where service not in ('*', ${ALL_BLOCKS}) and day in (${sql.join(part)}) group by environment, metric, day, bucket`.execute(db);
    await sql`insert into insights_hist (service, environment, metric, day, production, bucket, n, min_ms, max_ms)
      select '*', '*', metric, day, 1, bucket, sum(n), min(min_ms), max(max_ms)
      from insights_hist where service not in ('*', ${ALL_BLOCKS}) and environment <> '' and production = 1 and day in (${sql.join(part)}) group by metric, day, bucket`.execute(db);
  }
  await rebuildBlocks(db, days);
}

/**
 * Histograms of every service summed over blocks of BLOCK_DAYS days (service ALL_BLOCKS, day =
 * the block's first day): a year of all services reads a dozen blocks and the days at its edges
 * instead of 365 days of buckets.
 */
async function rebuildBlocks(db: Db, days: readonly number[]): Promise<void> {
  const starts = [...new Set(days.map((d) => Math.floor(d / BLOCK_DAYS) * BLOCK_DAYS))];
  for (const part of chunks(starts, CHUNK)) {
    await db.deleteFrom("insights_hist").where("service", "=", ALL_BLOCKS).where("day", "in", part).execute();
    const block = sql<number>`(day / ${sql.raw(String(BLOCK_DAYS))}) * ${sql.raw(String(BLOCK_DAYS))}`;
    await sql`insert into insights_hist (service, environment, metric, day, production, bucket, n, min_ms, max_ms)
      select ${ALL_BLOCKS}, environment, metric, ${block}, max(production), bucket, sum(n), min(min_ms), max(max_ms)
      from insights_hist where service = '*' and (${sql.join(part.map((start) => sql`day between ${start} and ${start + BLOCK_DAYS - 1}`), sql` or `)})
      group by environment, metric, ${block}, bucket`.execute(db);
  }
}

/** Drops every rollup and the watermark: the next refresh rebuilds from the raw rows. */
export async function resetInsights(db: Db): Promise<void> {
  await db.deleteFrom("insights_daily").execute();
  await db.deleteFrom("insights_hist").execute();
  await db.deleteFrom("insights_state").execute();
}

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf("|");
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
