import type { Kysely } from "kysely";

/**
 * The supply chain: registered signing keys (public halves only), documents attached to an
 * artifact digest (signatures, provenance, SBOMs, vulnerability reports), pipeline runs (run by
 * `slipway pipeline run` or ingested from CI), the webhook sources CI may post from (secrets by
 * reference only), and the webhook deliveries already seen (replays are refused). Additive only.
 */
export async function up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";

  await db.schema
    .createTable("signing_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("algorithm", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull().unique())
    .addColumn("public_pem", "text", (c) => c.notNull())
    .addColumn("services_json", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("revoked_at", big)
    .addColumn("revoked_by", "text")
    .addColumn("revoke_reason", "text")
    .execute();

  await db.schema
    .createTable("artifact_attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("doc_digest", "text", (c) => c.notNull())
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("summary_json", "text", (c) => c.notNull())
    .addColumn("uploaded_by", "text", (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .addUniqueConstraint("artifact_attachments_once", ["digest", "kind", "doc_digest"])
    .execute();
  await db.schema.createIndex("artifact_attachments_by_digest").on("artifact_attachments").columns(["digest", "kind", "created_at"]).execute();

  await db.schema
    .createTable("pipeline_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("service", "text")
    .addColumn("pipeline", "text", (c) => c.notNull())
    .addColumn("repository", "text")
    .addColumn("commit_sha", "text")
    .addColumn("branch", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("actor", "text")
    .addColumn("url", "text")
    .addColumn("stages_json", "text", (c) => c.notNull())
    .addColumn("log", "text")
    .addColumn("log_bytes", big)
    .addColumn("triage_json", "text")
    .addColumn("artifact_digest", "text")
    .addColumn("started_at", big)
    .addColumn("finished_at", big)
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("updated_at", big, (c) => c.notNull())
    .addUniqueConstraint("pipeline_runs_once", ["source", "external_id"])
    .execute();
  await db.schema.createIndex("pipeline_runs_by_commit").on("pipeline_runs").columns(["commit_sha"]).execute();
  await db.schema.createIndex("pipeline_runs_by_artifact").on("pipeline_runs").columns(["artifact_digest"]).execute();
  await db.schema.createIndex("pipeline_runs_by_time").on("pipeline_runs").columns(["created_at"]).execute();

  await db.schema
    .createTable("webhook_sources")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("secret_ref", "text", (c) => c.notNull())
    .addColumn("service", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .addUniqueConstraint("webhook_sources_once", ["provider", "repository"])
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("received_at", big, (c) => c.notNull())
    .addPrimaryKeyConstraint("webhook_deliveries_pk", ["provider", "delivery_id"])
    .execute();

  await db.schema.createIndex("artifacts_by_commit").on("artifacts").columns(["commit_sha"]).execute();
}
