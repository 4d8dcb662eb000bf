import type { Kysely } from "kysely";

/**
 * Triage: failure clusters (template + counts), each triaged occurrence, and person-confirmed
 * examples per pipeline (few-shot). Additive only.
 */
export async function up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";
  const real = dialect === "postgres" ? "double precision" : "real";

  await db.schema
    .createTable("triage_clusters")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("signature", "text", (c) => c.notNull().unique())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("occurrences", "integer", (c) => c.notNull())
    .addColumn("flaky_marked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("first_seen_at", big, (c) => c.notNull())
    .addColumn("last_seen_at", big, (c) => c.notNull())
    .addColumn("first_pipeline", "text")
    .addColumn("first_run", "text")
    .execute();
  await db.schema.createIndex("triage_clusters_by_category").on("triage_clusters").columns(["category", "last_seen_at"]).execute();

  await db.schema
    .createTable("triage_occurrences")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("cluster_id", "text", (c) => c.notNull())
    .addColumn("pipeline", "text")
    .addColumn("run", "text")
    .addColumn("at", big, (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("flaky_probability", real, (c) => c.notNull())
    .addColumn("marked_flaky", "integer")
    .addColumn("ranges_json", "text", (c) => c.notNull())
    .addColumn("evidence_json", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("triage_occurrences_by_cluster").on("triage_occurrences").columns(["cluster_id", "at"]).execute();
  await db.schema.createIndex("triage_occurrences_by_run").on("triage_occurrences").columns(["run"]).execute();

  await db.schema
    .createTable("triage_examples")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("pipeline", "text", (c) => c.notNull())
    .addColumn("run", "text", (c) => c.notNull())
    .addColumn("ranges_json", "text", (c) => c.notNull())
    .addColumn("lines_json", "text", (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("triage_examples_by_pipeline").on("triage_examples").columns(["pipeline", "created_at"]).execute();
}
