import type { Selectable } from "kysely";
import { newId, notFound, type Clock } from "../core/index.js";
import type { PipelineRunsTable, Store } from "../store/index.js";
import type { PipelineRun, PipelineStage, RunInput, RunSource, RunStatus } from "./types.js";

/** Largest log kept with a run; a longer one keeps its last part (where failures are). */
export const MAX_STORED_LOG_BYTES = 8 * 1024 * 1024;

export function rowToRun(row: Selectable<PipelineRunsTable>): PipelineRun {
  const startedAt = row.started_at === null ? null : Number(row.started_at);
  const finishedAt = row.finished_at === null ? null : Number(row.finished_at);
  return {
    id: row.id,
    source: row.source as RunSource,
    externalId: row.external_id,
    service: row.service,
    pipeline: row.pipeline,
    repository: row.repository,
    commit: row.commit_sha,
    branch: row.branch,
    status: row.status as RunStatus,
    actor: row.actor,
    url: row.url,
    stages: JSON.parse(row.stages_json) as PipelineStage[],
    startedAt,
    finishedAt,
    durationMs: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : null,
    artifactDigest: row.artifact_digest,
    hasLog: row.log !== null,
    logBytes: row.log_bytes === null ? null : Number(row.log_bytes),
    triage: row.triage_json === null ? null : JSON.parse(row.triage_json),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Stages reported now replace known ones of the same name; the rest stay, in first-seen order. */
function mergeStages(known: PipelineStage[], reported: PipelineStage[] | undefined): PipelineStage[] {
  if (!reported) return known;
  const out = [...known];
  for (const s of reported) {
    const at = out.findIndex((k) => k.name === s.name);
    if (at >= 0) out[at] = s;
    else out.push(s);
  }
  return out;
}

/** Keeps the last MAX_STORED_LOG_BYTES of a log (with a note of what was cut). */
export function boundedLog(log: string): { text: string; bytes: number } {
  const bytes = Buffer.byteLength(log);
  if (bytes <= MAX_STORED_LOG_BYTES) return { text: log, bytes };
  const tail = Buffer.from(log).subarray(bytes - MAX_STORED_LOG_BYTES).toString("utf8");
  return { text: `[slipway: the first ${bytes - MAX_STORED_LOG_BYTES} bytes of this log were not kept]\n${tail.slice(tail.indexOf("\n") + 1)}`, bytes };
}

/**
 * Records what an ingestion says about a run: a new row, or the known one (same source and
 * external id) updated. Absent fields keep what was known, so webhooks arriving in any order
 * (a job before its run) add up to one run.
 */
export async function upsertRun(store: Store, input: RunInput, clock: Clock): Promise<{ run: PipelineRun; created: boolean; previous: PipelineRun | null }> {
  for (let attempt = 0; ; attempt++) {
    const existing = await findRun(store, input.source, input.externalId);
    const now = clock.now();
    const log = input.log === undefined || input.log === null ? undefined : boundedLog(input.log);
    if (existing) {
      const stages = mergeStages(existing.stages, input.stages);
      await store.db
        .updateTable("pipeline_runs")
        .set({
          pipeline: input.pipeline,
          service: input.service ?? existing.service,
          repository: input.repository ?? existing.repository,
          commit_sha: input.commit ?? existing.commit,
          branch: input.branch ?? existing.branch,
          status: input.status ?? existing.status,
          actor: input.actor ?? existing.actor,
          url: input.url ?? existing.url,
          stages_json: JSON.stringify(stages),
          started_at: input.startedAt ?? existing.startedAt,
          finished_at: input.finishedAt ?? existing.finishedAt,
          artifact_digest: input.artifactDigest ?? existing.artifactDigest,
          ...(log ? { log: log.text, log_bytes: log.bytes } : {}),
          updated_at: now,
        })
        .where("id", "=", existing.id)
        .execute();
      return { run: await requireRun(store, existing.id), created: false, previous: existing };
    }
    const row: PipelineRunsTable = {
      id: newId(),
      source: input.source,
      external_id: input.externalId,
      service: input.service ?? null,
      pipeline: input.pipeline,
      repository: input.repository ?? null,
      commit_sha: input.commit ?? null,
      branch: input.branch ?? null,
      status: input.status ?? "running",
      actor: input.actor ?? null,
      url: input.url ?? null,
      stages_json: JSON.stringify(input.stages ?? []),
      log: log?.text ?? null,
      log_bytes: log?.bytes ?? null,
      triage_json: null,
      artifact_digest: input.artifactDigest ?? null,
      started_at: input.startedAt ?? null,
      finished_at: input.finishedAt ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await store.db.insertInto("pipeline_runs").values(row).execute();
      return { run: rowToRun(row), created: true, previous: null };
    } catch (err) {
      // Two deliveries about one new run raced: the other inserted it; update that one.
      if (attempt > 0 || !(await findRun(store, input.source, input.externalId))) throw err;
    }
  }
}

export async function findRun(store: Store, source: RunSource, externalId: string): Promise<PipelineRun | undefined> {
  const row = await store.db.selectFrom("pipeline_runs").selectAll().where("source", "=", source).where("external_id", "=", externalId).executeTakeFirst();
  return row ? rowToRun(row) : undefined;
}

export async function requireRun(store: Store, id: string): Promise<PipelineRun> {
  const row = await store.db.selectFrom("pipeline_runs").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`no pipeline run ${id}`, { hint: "list runs with slipway pipeline runs" });
  return rowToRun(row);
}

export async function getRunLog(store: Store, id: string): Promise<string | null> {
  const row = await store.db.selectFrom("pipeline_runs").select("log").where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`no pipeline run ${id}`);
  return row.log;
}

export async function setRunLog(store: Store, id: string, log: string, clock: Clock): Promise<void> {
  const { text, bytes } = boundedLog(log);
  await store.db.updateTable("pipeline_runs").set({ log: text, log_bytes: bytes, updated_at: clock.now() }).where("id", "=", id).execute();
}

export async function setRunTriage(store: Store, id: string, triage: unknown): Promise<void> {
  await store.db.updateTable("pipeline_runs").set({ triage_json: JSON.stringify(triage) }).where("id", "=", id).execute();
}

export interface RunQuery {
  service?: string;
  commit?: string;
  repository?: string;
  artifactDigest?: string;
  limit?: number;
}

/** Runs, newest first. `commit` matches a prefix of 7 or more hex digits. */
export async function listRuns(store: Store, q: RunQuery = {}): Promise<PipelineRun[]> {
  let query = store.db.selectFrom("pipeline_runs").selectAll();
  if (q.service) query = query.where("service", "=", q.service);
  if (q.repository) query = query.where("repository", "=", q.repository);
  if (q.artifactDigest) query = query.where("artifact_digest", "=", q.artifactDigest);
  if (q.commit) query = query.where("commit_sha", "like", `${q.commit.toLowerCase()}%`);
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(q.limit ?? 50).execute();
  return rows.map(rowToRun);
}
