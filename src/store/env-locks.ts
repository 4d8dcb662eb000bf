import { isTerminal, type DeploymentState } from "../core/index.js";
import type { Db } from "./schema.js";

/**
 * One deployment at a time per (service, environment): a lock row, so it holds across every
 * instance of the control plane. Taken when a deployment starts, freed when it ends.
 */

export interface EnvLockRequest {
  service: string;
  environment: string;
  deploymentId: string;
  now: number;
}

/**
 * Takes the environment's lock for the deployment; true if it now holds it (also when it held
 * it already). A lock left by a deployment that has ended (it crashed between finishing and
 * freeing the lock) is taken over. Call inside the transaction that starts the deployment.
 */
export async function takeEnvLock(db: Db, req: EnvLockRequest): Promise<boolean> {
  const inserted = await db
    .insertInto("env_locks")
    .values({ service: req.service, environment: req.environment, deployment_id: req.deploymentId, acquired_at: req.now })
    .onConflict((oc) => oc.columns(["service", "environment"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
  const holder = await db
    .selectFrom("env_locks")
    .innerJoin("deployments", "deployments.id", "env_locks.deployment_id")
    .select(["env_locks.deployment_id", "deployments.state"])
    .where("env_locks.service", "=", req.service)
    .where("env_locks.environment", "=", req.environment)
    .executeTakeFirst();
  if (holder?.deployment_id === req.deploymentId) return true;
  if (!holder || !isTerminal(holder.state as DeploymentState)) return false;
  const moved = await db
    .updateTable("env_locks")
    .set({ deployment_id: req.deploymentId, acquired_at: req.now })
    .where("service", "=", req.service)
    .where("environment", "=", req.environment)
    .where("deployment_id", "=", holder.deployment_id)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** Frees whatever lock the deployment holds. */
export async function releaseEnvLock(db: Db, deploymentId: string): Promise<void> {
  await db.deleteFrom("env_locks").where("deployment_id", "=", deploymentId).execute();
}
