import type { ApprovalsTable, Db } from "./schema.js";

/** People's decisions on waiting deployments. */

export async function listApprovals(db: Db, deploymentId: string): Promise<ApprovalsTable[]> {
  return db.selectFrom("approvals").selectAll().where("deployment_id", "=", deploymentId).orderBy("at").execute();
}

/** A person's latest decision on a deployment. */
export async function lastApprovalBy(db: Db, deploymentId: string, by: string): Promise<Pick<ApprovalsTable, "decision" | "at"> | undefined> {
  return db.selectFrom("approvals").select(["decision", "at"]).where("deployment_id", "=", deploymentId).where("by", "=", by).orderBy("at", "desc").executeTakeFirst();
}

export async function insertApproval(db: Db, row: ApprovalsTable): Promise<void> {
  await db.insertInto("approvals").values(row).execute();
}
