import type { DeploymentState } from "../core/index.js";
import type { Db, InstancesTable } from "./schema.js";

/**
 * Control-plane instances sharing the database, and the node ties of deployments and
 * environments whose replicas are local processes of one machine.
 */

export async function insertInstance(db: Db, row: InstancesTable): Promise<void> {
  await db.insertInto("instances").values(row).execute();
}

export async function setInstanceApiUrl(db: Db, id: string, url: string): Promise<void> {
  await db.updateTable("instances").set({ api_url: url }).where("id", "=", id).execute();
}

export async function heartbeatInstance(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable("instances").set({ heartbeat_at: at }).where("id", "=", id).execute();
}

export async function markInstanceStopped(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable("instances").set({ stopped_at: at }).where("id", "=", id).execute();
}

/** Instances not stopped cleanly whose last heartbeat is at or after `since` (the ones that may be running). */
export async function listRecentInstances(db: Db, since: number): Promise<InstancesTable[]> {
  return db.selectFrom("instances").selectAll().where("stopped_at", "is", null).where("heartbeat_at", ">=", since).orderBy("started_at").execute();
}

/** Forgets instances that stopped, or stopped heartbeating, before `before`. */
export async function pruneInstances(db: Db, before: number): Promise<void> {
  await db.deleteFrom("instances").where("heartbeat_at", "<", before).execute();
}

/** Deployments some instance holds a lease on, by holder. */
export async function listLeasedDeployments(db: Db) {
  return db
    .selectFrom("deployments")
    .select(["id", "service", "environment", "version", "state", "lease_owner", "lease_until", "node"])
    .where("lease_owner", "is not", null)
    .orderBy("id")
    .execute();
}

/** Unfinished deployments tied to a node (whose instances alone may run them). */
export async function listNodeBoundDeployments(db: Db, states: readonly DeploymentState[]) {
  return db
    .selectFrom("deployments")
    .select(["id", "service", "environment", "version", "state", "node", "lease_owner", "lease_until"])
    .where("node", "is not", null)
    .where("state", "in", states)
    .orderBy("id")
    .execute();
}

/**
 * Ties a deployment (and its environment, if not tied yet) to a node; returns the node the
 * environment is tied to, which may be another one (then the deployment is tied to that one).
 */
export async function tieToNode(db: Db, deploymentId: string, service: string, environment: string, node: string): Promise<string> {
  await db.updateTable("environments").set({ node }).where("service", "=", service).where("environment", "=", environment).where("node", "is", null).execute();
  const env = await db.selectFrom("environments").select("node").where("service", "=", service).where("environment", "=", environment).executeTakeFirst();
  const tied = env?.node ?? node;
  await db.updateTable("deployments").set({ node: tied }).where("id", "=", deploymentId).execute();
  return tied;
}
