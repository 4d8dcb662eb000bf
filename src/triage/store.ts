/**
 * Triage records in the database: clusters of the same failure (Drain-style templates merged
 * across runs), occurrences, and confirmed examples per pipeline. Works on SQLite and PostgreSQL.
 */
import { newId } from "../core/ids.js";
import type { Store } from "../store/index.js";
import type { FlakyHistory } from "./classify.js";
import { WILDCARD } from "./mask.js";
import type { ConfirmedExample, LineRange, TriageResult } from "./types.js";

/** What is known about a failure's cluster, for "seen 14 times in 3 pipelines since …". */
export interface ClusterInfo {
  id: string;
  signature: string;
  template: string;
  occurrences: number;
  pipelines: number;
  firstSeenAt: number;
  lastSeenAt: number;
  firstRun: string | null;
  firstPipeline: string | null;
  /** This occurrence is the first of its cluster. */
  isNew: boolean;
}

/** Templates at least this similar (share of equal tokens, same shape) are one cluster. */
const MERGE_SIMILARITY = 0.8;
/** Recent clusters of the same category compared with a new signature. */
const MERGE_CANDIDATES = 200;

function tokensOf(template: string): string[][] {
  return template.split("\n").map((l) => l.split(" "));
}

/** Drain's rule: same shape, and enough equal tokens; returns the merged template or undefined. */
export function mergeTemplates(a: string, b: string): string | undefined {
  const ta = tokensOf(a);
  const tb = tokensOf(b);
  if (ta.length !== tb.length) return undefined;
  let same = 0;
  let total = 0;
  const merged: string[] = [];
  for (let i = 0; i < ta.length; i++) {
    const la = ta[i] as string[];
    const lb = tb[i] as string[];
    if (la.length !== lb.length) return undefined;
    const out: string[] = [];
    for (let j = 0; j < la.length; j++) {
      total++;
      if (la[j] === lb[j]) {
        same++;
        out.push(la[j] as string);
      } else out.push(WILDCARD);
    }
    merged.push(out.join(" "));
  }
  return total > 0 && same / total >= MERGE_SIMILARITY ? merged.join("\n") : undefined;
}

/** The cluster a signature belongs to (exact first, then a similar template of the same category). */
async function findCluster(store: Store, result: TriageResult) {
  const exact = await store.db.selectFrom("triage_clusters").selectAll().where("signature", "=", result.signature.hash).executeTakeFirst();
  if (exact) return { row: exact, template: exact.template };
  const recent = await store.db.selectFrom("triage_clusters").selectAll().where("category", "=", result.category).orderBy("last_seen_at", "desc").limit(MERGE_CANDIDATES).execute();
  for (const row of recent) {
    const template = mergeTemplates(row.template, result.signature.template);
    if (template !== undefined) return { row, template };
  }
  return undefined;
}

/** Earlier occurrences of the failure's cluster, for the flaky estimate (before recording). */
export async function historyOf(store: Store, result: TriageResult): Promise<FlakyHistory | undefined> {
  const found = await findCluster(store, result);
  if (!found) return undefined;
  return { occurrences: found.row.occurrences, flaky: found.row.flaky_marked };
}

/** Records one triaged run and returns its cluster. */
export async function recordOccurrence(store: Store, result: TriageResult, at: { pipeline?: string; run?: string; now: number }): Promise<ClusterInfo> {
  return store.db.transaction().execute(async (trx) => {
    const tx = { db: trx, dialect: store.dialect } as unknown as Store;
    const found = await findCluster(tx, result);
    let clusterId: string;
    if (found) {
      clusterId = found.row.id;
      await trx.updateTable("triage_clusters").set({ occurrences: found.row.occurrences + 1, last_seen_at: at.now, template: found.template }).where("id", "=", clusterId).execute();
    } else {
      clusterId = newId();
      await trx.insertInto("triage_clusters").values({
        id: clusterId, signature: result.signature.hash, category: result.category, template: result.signature.template,
        occurrences: 1, flaky_marked: 0, first_seen_at: at.now, last_seen_at: at.now, first_pipeline: at.pipeline ?? null, first_run: at.run ?? null,
      }).execute();
    }
    await trx.insertInto("triage_occurrences").values({
      id: newId(), cluster_id: clusterId, pipeline: at.pipeline ?? null, run: at.run ?? null, at: at.now, category: result.category,
      flaky_probability: result.flaky.probability, marked_flaky: null, ranges_json: JSON.stringify(result.ranges), evidence_json: JSON.stringify(result.evidence),
    }).execute();
    const info = await clusterInfo(tx, clusterId);
    return { ...info, isNew: !found };
  });
}

/** Counts of a cluster. */
export async function clusterInfo(store: Store, clusterId: string): Promise<ClusterInfo> {
  const row = await store.db.selectFrom("triage_clusters").selectAll().where("id", "=", clusterId).executeTakeFirstOrThrow();
  const pipelines = await store.db.selectFrom("triage_occurrences").select((eb) => eb.fn.count<number>("pipeline").distinct().as("n")).where("cluster_id", "=", clusterId).executeTakeFirst();
  return {
    id: row.id, signature: row.signature, template: row.template, occurrences: row.occurrences, pipelines: Number(pipelines?.n ?? 0),
    firstSeenAt: row.first_seen_at, lastSeenAt: row.last_seen_at, firstRun: row.first_run, firstPipeline: row.first_pipeline, isNew: false,
  };
}

/** The latest recorded occurrence of a run (its pipeline and evidence lines). */
export async function occurrenceOfRun(store: Store, run: string) {
  return store.db.selectFrom("triage_occurrences").selectAll().where("run", "=", run).orderBy("at", "desc").limit(1).executeTakeFirst();
}

/** What an example records besides its lines (examples confirmed before it was recorded have none). */
type ExampleContext = Omit<ConfirmedExample, "lines">;

/** Stores a confirmed answer and, when a person says so, marks the run's failure intermittent. */
export async function saveExample(store: Store, ex: ConfirmedExample & { pipeline: string; run: string; ranges: LineRange[]; flaky?: boolean; now: number }): Promise<string> {
  const id = newId();
  const context: ExampleContext | null = ex.before || ex.after || ex.linesAfter !== undefined ? { before: ex.before, after: ex.after, linesAfter: ex.linesAfter } : null;
  await store.db.insertInto("triage_examples").values({
    id, pipeline: ex.pipeline, run: ex.run, ranges_json: JSON.stringify(ex.ranges), lines_json: JSON.stringify(ex.lines),
    context_json: context ? JSON.stringify(context) : null, created_at: ex.now,
  }).execute();
  if (ex.flaky !== undefined) {
    const occ = await occurrenceOfRun(store, ex.run);
    if (occ && occ.marked_flaky === null) {
      await store.db.updateTable("triage_occurrences").set({ marked_flaky: ex.flaky ? 1 : 0 }).where("id", "=", occ.id).execute();
      if (ex.flaky) {
        const c = await store.db.selectFrom("triage_clusters").select("flaky_marked").where("id", "=", occ.cluster_id).executeTakeFirst();
        if (c) await store.db.updateTable("triage_clusters").set({ flaky_marked: c.flaky_marked + 1 }).where("id", "=", occ.cluster_id).execute();
      }
    }
  }
  return id;
}

/** The latest confirmed examples of a pipeline (few-shot input), optionally leaving one run out. */
export async function examplesFor(store: Store, pipeline: string, options: { limit?: number; exceptRun?: string } = {}): Promise<ConfirmedExample[]> {
  let q = store.db.selectFrom("triage_examples").select(["lines_json", "context_json"]).where("pipeline", "=", pipeline);
  if (options.exceptRun) q = q.where("run", "!=", options.exceptRun);
  const rows = await q.orderBy("created_at", "desc").limit(options.limit ?? 5).execute();
  return rows.map((r) => ({ lines: JSON.parse(r.lines_json) as string[], ...(r.context_json ? (JSON.parse(r.context_json) as ExampleContext) : {}) }));
}

/** A cluster as the dashboard lists it: counts, and its latest occurrence's evidence lines. */
export interface ClusterSummary {
  id: string;
  category: string;
  template: string;
  occurrences: number;
  flakyMarked: number;
  firstSeenAt: number;
  lastSeenAt: number;
  latest: { pipeline: string | null; run: string | null; at: number; flakyProbability: number; evidence: unknown } | null;
}

/** The most recently seen failure clusters, newest first, each with its latest occurrence. */
export async function listClusters(store: Store, options: { limit: number; category?: string }): Promise<ClusterSummary[]> {
  let q = store.db.selectFrom("triage_clusters").selectAll();
  if (options.category) q = q.where("category", "=", options.category);
  const rows = await q.orderBy("last_seen_at", "desc").limit(options.limit).execute();
  return Promise.all(
    rows.map(async (row) => {
      const occ = await store.db.selectFrom("triage_occurrences").selectAll().where("cluster_id", "=", row.id).orderBy("at", "desc").limit(1).executeTakeFirst();
      return {
        id: row.id, category: row.category, template: row.template, occurrences: row.occurrences, flakyMarked: row.flaky_marked,
        firstSeenAt: Number(row.first_seen_at), lastSeenAt: Number(row.last_seen_at),
        latest: occ ? { pipeline: occ.pipeline, run: occ.run, at: Number(occ.at), flakyProbability: occ.flaky_probability, evidence: JSON.parse(occ.evidence_json) as unknown } : null,
      };
    }),
  );
}
