import type { Kysely } from "kysely";

/**
 * Delivery insights and incidents: the commits an artifact contains (lead time per commit),
 * incidents with the deployments linked to them and the inbound sources (PagerDuty, Opsgenie)
 * allowed to open them (secrets by reference), and the daily rollups the DORA keys and KPIs are
 * read from (counters per service × environment × UTC day, and duration histograms), rebuilt
 * incrementally from the rows changed since `insights_state.watermark`. Additive only.
 */
export async function up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";

  await db.schema
    .createTable("artifact_commits")
    .addColumn("artifact_id", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("sha", "text", (c) => c.notNull())
    .addColumn("committed_at", big, (c) => c.notNull())
    .addPrimaryKeyConstraint("artifact_commits_pk", ["artifact_id", "sha"])
    .execute();
  await db.schema.createIndex("artifact_commits_by_service").on("artifact_commits").columns(["service"]).execute();

  await db.schema
    .createTable("incidents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text")
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("service", "text")
    .addColumn("environment", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("started_at", big, (c) => c.notNull())
    .addColumn("resolved_at", big)
    .addColumn("opened_by", "text", (c) => c.notNull())
    .addColumn("resolved_by", "text")
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("updated_at", big, (c) => c.notNull())
    .addUniqueConstraint("incidents_once", ["source", "external_id"])
    .execute();
  await db.schema.createIndex("incidents_by_start").on("incidents").columns(["started_at"]).execute();
  await db.schema.createIndex("incidents_by_update").on("incidents").columns(["updated_at"]).execute();
  await db.schema.createIndex("incidents_by_service").on("incidents").columns(["service", "started_at"]).execute();

  await db.schema
    .createTable("incident_deployments")
    .addColumn("incident_id", "text", (c) => c.notNull())
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("linked_by", "text", (c) => c.notNull())
    .addColumn("linked_at", big, (c) => c.notNull())
    .addPrimaryKeyConstraint("incident_deployments_pk", ["incident_id", "deployment_id"])
    .execute();
  await db.schema.createIndex("incident_deployments_by_deployment").on("incident_deployments").columns(["deployment_id"]).execute();

  await db.schema
    .createTable("incident_sources")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_ref", "text", (c) => c.notNull())
    .addColumn("service", "text")
    .addColumn("environment", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .addUniqueConstraint("incident_sources_once", ["provider", "name"])
    .execute();

  await db.schema
    .createTable("insights_daily")
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("day", "integer", (c) => c.notNull())
    .addColumn("production", "integer", (c) => c.notNull())
    .addColumn("counts_json", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("insights_daily_pk", ["service", "environment", "day"])
    .execute();
  await db.schema
    .createTable("insights_hist")
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("metric", "text", (c) => c.notNull())
    .addColumn("day", "integer", (c) => c.notNull())
    .addColumn("production", "integer", (c) => c.notNull())
    .addColumn("bucket", "integer", (c) => c.notNull())
    .addColumn("n", "integer", (c) => c.notNull())
    .addColumn("min_ms", big, (c) => c.notNull())
    .addColumn("max_ms", big, (c) => c.notNull())
    .addPrimaryKeyConstraint("insights_hist_pk", ["service", "environment", "metric", "day", "bucket"])
    .execute();
  // Re-summing the all-services rows of a day reads every service's rows of that day.
  await db.schema.createIndex("insights_daily_by_day").on("insights_daily").columns(["day"]).execute();
  await db.schema.createIndex("insights_hist_by_day").on("insights_hist").columns(["day"]).execute();
  await db.schema
    .createTable("insights_state")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("watermark", big, (c) => c.notNull())
    .execute();

  // What the incremental refresh looks for: rows changed since the watermark.
  await db.schema.createIndex("deployments_by_update").on("deployments").columns(["updated_at"]).execute();
  await db.schema.createIndex("pipeline_runs_by_update").on("pipeline_runs").columns(["updated_at"]).execute();
  await db.schema.createIndex("approvals_by_time").on("approvals").columns(["at"]).execute();
  await db.schema.createIndex("artifacts_by_time").on("artifacts").columns(["created_at"]).execute();
  // What the per-service history load reads.
  await db.schema.createIndex("artifacts_by_service_time").on("artifacts").columns(["service", "created_at"]).execute();
  await db.schema.createIndex("pipeline_runs_by_service").on("pipeline_runs").columns(["service", "created_at"]).execute();
}
