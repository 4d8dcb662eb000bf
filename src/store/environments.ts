import type { TrafficWeight } from "../core/index.js";
import type { Db, EnvironmentsTable } from "./schema.js";

/** What runs in each (service, environment): version, since when, the traffic split, the router port. */

export async function getEnvironment(db: Db, service: string, environment: string): Promise<EnvironmentsTable | undefined> {
  return db.selectFrom("environments").selectAll().where("service", "=", service).where("environment", "=", environment).executeTakeFirst();
}

/** Creates the environment's row with its router port; false if it exists already (or the port is taken). */
export async function insertEnvironment(db: Db, service: string, environment: string, port: number): Promise<boolean> {
  const result = await db
    .insertInto("environments")
    .values({ service, environment, port, current_version: null, current_digest: null, current_deployment_id: null, since: null, weights_json: "[]", node: null })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function listEnvironments(db: Db, service?: string): Promise<EnvironmentsTable[]> {
  let q = db.selectFrom("environments").selectAll();
  if (service) q = q.where("service", "=", service);
  return q.orderBy("service").orderBy("environment").execute();
}

export const weightsOf = (env: Pick<EnvironmentsTable, "weights_json">): TrafficWeight[] => JSON.parse(env.weights_json) as TrafficWeight[];

/** Records the traffic split the environment should have (what a restarted router is given again). */
export async function setRouteWeights(db: Db, service: string, environment: string, weights: readonly TrafficWeight[]): Promise<void> {
  await db.updateTable("environments").set({ weights_json: JSON.stringify(weights) }).where("service", "=", service).where("environment", "=", environment).execute();
}

/** Records a deployment's version as what the environment runs, all traffic on it. */
export async function setCurrentVersion(db: Db, service: string, environment: string, current: { version: string; digest: string; deploymentId: string; since: number }): Promise<void> {
  await db
    .updateTable("environments")
    .set({
      current_version: current.version,
      current_digest: current.digest,
      current_deployment_id: current.deploymentId,
      since: current.since,
      weights_json: JSON.stringify([{ version: current.version, weight: 100 }]),
    })
    .where("service", "=", service)
    .where("environment", "=", environment)
    .execute();
}
