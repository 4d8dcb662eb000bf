import type { Kysely } from "kysely";

/**
 * Replicas record which driver started them and on which host, so that stopping or checking a
 * replica goes to the same driver even after the environment's target changed, and so that a
 * driver placing replicas over several hosts (ssh) finds them again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("replicas").addColumn("driver", "text", (c) => c.notNull().defaultTo("process")).execute();
  await db.schema.alterTable("replicas").addColumn("host", "text", (c) => c.notNull().defaultTo("127.0.0.1")).execute();
  // A deployment's own replicas are looked up at every step.
  await db.schema.createIndex("replicas_by_deployment").on("replicas").columns(["deployment_id", "state"]).execute();
}
