import type { Kysely } from "kysely";

/**
 * What ran in the environment when a deployment started, in full: the deployment that put it
 * there (whose frozen config its replicas ran with), how many replicas served it, and the
 * traffic split. A rollback or a cancel restores exactly this.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("deployments").addColumn("previous_deployment_id", "text").execute();
  await db.schema.alterTable("deployments").addColumn("previous_replicas", "integer").execute();
  await db.schema.alterTable("deployments").addColumn("previous_weights_json", "text").execute();
}
