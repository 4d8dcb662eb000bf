import type { Step, StepParams, StepState } from "../core/index.js";
import type { Db, StepsTable } from "./schema.js";

/** A deployment's plan: its steps, stored before anything runs, each persisted with its result. */

export function toStep(row: StepsTable): Step {
  return {
    deploymentId: row.deployment_id,
    idx: row.idx,
    params: JSON.parse(row.params_json) as StepParams,
    state: row.state as StepState,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export async function listSteps(db: Db, deploymentId: string): Promise<Step[]> {
  const rows = await db.selectFrom("steps").selectAll().where("deployment_id", "=", deploymentId).orderBy("idx").execute();
  return rows.map(toStep);
}

/** Stores a deployment's plan, every step pending. */
export async function insertPlan(db: Db, deploymentId: string, steps: readonly StepParams[]): Promise<void> {
  if (steps.length === 0) return;
  await db
    .insertInto("steps")
    .values(steps.map((params, idx) => ({ deployment_id: deploymentId, idx, kind: params.kind, params_json: JSON.stringify(params), state: "pending", result_json: null, started_at: null, finished_at: null })))
    .execute();
}

export async function markStepRunning(db: Db, deploymentId: string, idx: number, startedAt: number): Promise<void> {
  await db.updateTable("steps").set({ state: "running", started_at: startedAt }).where("deployment_id", "=", deploymentId).where("idx", "=", idx).execute();
}

export async function markStepDone(db: Db, deploymentId: string, idx: number, result: unknown, finishedAt: number): Promise<void> {
  await db
    .updateTable("steps")
    .set({ state: "done", result_json: JSON.stringify(result ?? null), finished_at: finishedAt })
    .where("deployment_id", "=", deploymentId)
    .where("idx", "=", idx)
    .execute();
}

/** Marks the step in flight failed, with the error (and its details) as its result. */
export async function markRunningStepFailed(db: Db, deploymentId: string, failure: { error: string; details: unknown }, finishedAt: number): Promise<void> {
  await db
    .updateTable("steps")
    .set({ state: "failed", result_json: JSON.stringify({ error: failure.error, details: failure.details ?? null }), finished_at: finishedAt })
    .where("deployment_id", "=", deploymentId)
    .where("state", "=", "running")
    .execute();
}

/** The index of the step in flight, or -1. */
export async function runningStepIdx(db: Db, deploymentId: string): Promise<number> {
  const row = await db.selectFrom("steps").select("idx").where("deployment_id", "=", deploymentId).where("state", "=", "running").executeTakeFirst();
  return row?.idx ?? -1;
}

/**
 * Notes what the step in flight is doing right now (e.g. the process a script command runs
 * in), in its result, so whoever resumes the step after a crash can find it. Only while the
 * step is running: finishing the step overwrites the note.
 */
export async function noteRunningStep(db: Db, deploymentId: string, note: unknown): Promise<void> {
  await db.updateTable("steps").set({ result_json: JSON.stringify(note) }).where("deployment_id", "=", deploymentId).where("state", "=", "running").execute();
}

/** The note of the step in flight (see noteRunningStep), or null. */
export async function runningStepNote(db: Db, deploymentId: string): Promise<unknown> {
  const row = await db.selectFrom("steps").select("result_json").where("deployment_id", "=", deploymentId).where("state", "=", "running").executeTakeFirst();
  return row?.result_json ? (JSON.parse(row.result_json) as unknown) : null;
}
