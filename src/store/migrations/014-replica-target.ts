import type { Kysely } from "kysely";

/**
 * A replica records the target it was started on (the ssh driver's hosts, user, key, known_hosts),
 * so stopping or checking it later reaches the same host the same way, whichever deployment or
 * instance asks, and even after the environment's target changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("replicas").addColumn("target_json", "text").execute();
}
