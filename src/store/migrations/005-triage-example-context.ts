import type { Kysely } from "kysely";

/**
 * Confirmed triage examples also keep the lines around the confirmed chunk and how many lines
 * followed it (JSON), which few-shot uses as anchors. Null for older examples. Additive only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("triage_examples").addColumn("context_json", "text").execute();
}
