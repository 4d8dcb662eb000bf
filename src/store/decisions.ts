import type { Db } from "./schema.js";

/** Analysis decisions: each verdict stored with the numbers that made it, so a person can see why. */

export interface DecisionRecord {
  id: string;
  deploymentId: string;
  stepIdx: number;
  check: string;
  verdict: string;
  reason: string;
  numbers: unknown;
  at: number;
}

export async function insertDecisions(db: Db, decisions: readonly DecisionRecord[]): Promise<void> {
  if (decisions.length === 0) return;
  await db
    .insertInto("decisions")
    .values(decisions.map((x) => ({ id: x.id, deployment_id: x.deploymentId, step_idx: x.stepIdx, check_name: x.check, verdict: x.verdict, detail_json: JSON.stringify({ numbers: x.numbers, reason: x.reason }), at: x.at })))
    .execute();
}

export async function listDecisions(db: Db, deploymentId: string): Promise<DecisionRecord[]> {
  const rows = await db.selectFrom("decisions").selectAll().where("deployment_id", "=", deploymentId).orderBy("at").orderBy("id").execute();
  return rows.map((r) => {
    const detail = JSON.parse(r.detail_json) as { numbers: unknown; reason: string };
    return { id: r.id, deploymentId: r.deployment_id, stepIdx: r.step_idx, check: r.check_name, verdict: r.verdict, reason: detail.reason, numbers: detail.numbers, at: r.at };
  });
}
