import type { Kysely } from "kysely";

/**
 * A fencing token per claim. The owner's name alone cannot fence: an instance whose run lost
 * its lease can claim the same deployment again while that old run is still finishing, and
 * both runs would then pass an owner-only check. Each claim writes a new token; a run writes
 * its step records only while the row still carries its token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("deployments").addColumn("lease_token", "text").execute();
}
