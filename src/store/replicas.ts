import type { Db, ReplicasTable } from "./schema.js";

/**
 * Replica rows: one per process (or host instance) a deployment started. A row is written
 * before its process exists, so a crash in between cannot leave an unrecorded process.
 */

export type ReplicaState = "starting" | "running" | "stopping" | "stopped" | "crashed";

/** States in which a replica may still have a process. */
export const ACTIVE_REPLICA_STATES: readonly ReplicaState[] = ["starting", "running", "stopping"];

export async function insertReplica(db: Db, row: ReplicasTable): Promise<void> {
  await db.insertInto("replicas").values(row).execute();
}

export async function setReplicaPid(db: Db, id: string, pid: number): Promise<void> {
  await db.updateTable("replicas").set({ pid }).where("id", "=", id).execute();
}

/** Replicas of one version started by one deployment that are starting or running. */
export async function listLiveReplicasOfDeployment(db: Db, deploymentId: string, version: string): Promise<ReplicasTable[]> {
  return db
    .selectFrom("replicas")
    .selectAll()
    .where("deployment_id", "=", deploymentId)
    .where("version", "=", version)
    .where("state", "in", ["starting", "running"])
    .orderBy("id")
    .execute();
}

export interface RunningReplicaFilter {
  version?: string | undefined;
  notDeployment?: string | undefined;
}

/** Ready replicas of an environment, optionally only of one version or excluding one deployment's. */
export async function listRunningReplicas(db: Db, service: string, environment: string, filter: RunningReplicaFilter = {}): Promise<ReplicasTable[]> {
  let q = db.selectFrom("replicas").selectAll().where("service", "=", service).where("environment", "=", environment).where("state", "=", "running");
  if (filter.version !== undefined) q = q.where("version", "=", filter.version);
  if (filter.notDeployment !== undefined) q = q.where("deployment_id", "!=", filter.notDeployment);
  return q.orderBy("id").execute();
}

/** Replicas of an environment that may still have a process (starting, running, stopping). */
export async function listActiveReplicas(db: Db, service: string, environment: string): Promise<ReplicasTable[]> {
  return db
    .selectFrom("replicas")
    .selectAll()
    .where("service", "=", service)
    .where("environment", "=", environment)
    .where("state", "in", ACTIVE_REPLICA_STATES)
    .orderBy("id")
    .execute();
}

/** Sets the state of replicas; a final state records when they stopped. */
export async function setReplicaState(db: Db, ids: readonly string[], state: ReplicaState, at?: number): Promise<void> {
  if (ids.length === 0) return;
  const final = state === "stopped" || state === "crashed";
  await db
    .updateTable("replicas")
    .set({ state, ...(final && at !== undefined ? { stopped_at: at } : {}) })
    .where("id", "in", ids)
    .execute();
}

/** Marks started replicas ready (only those still starting: a replica stopped meanwhile stays stopped). */
export async function markReplicasRunning(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable("replicas").set({ state: "running" }).where("id", "in", ids).where("state", "=", "starting").execute();
}

/** Active replicas with what the orphan sweep needs: their deployment's state and config, and what the environment runs. */
export async function listActiveReplicasWithOwners(db: Db) {
  return db
    .selectFrom("replicas")
    .innerJoin("deployments", "deployments.id", "replicas.deployment_id")
    .leftJoin("environments", (join) => join.onRef("environments.service", "=", "replicas.service").onRef("environments.environment", "=", "replicas.environment"))
    .selectAll("replicas")
    .select(["deployments.state as deployment_state", "deployments.env_config_json", "deployments.node as deployment_node", "environments.current_version"])
    .where("replicas.state", "in", ACTIVE_REPLICA_STATES)
    .execute();
}
