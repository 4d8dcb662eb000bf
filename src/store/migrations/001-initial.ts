import { sql, type Kysely } from "kysely";

/** The first schema. `big` is int8 on PostgreSQL (ms times overflow int4) and integer on SQLite. */
export async function up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";

  await db.schema
    .createTable("services")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("config_json", "text", (c) => c.notNull())
    .addColumn("config_yaml", "text", (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("updated_at", big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("artifacts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("commit_sha", "text")
    .addColumn("author", "text")
    .addColumn("size_bytes", big, (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .addUniqueConstraint("artifacts_service_version", ["service", "version"])
    .execute();

  await db.schema
    .createTable("deployments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("artifact_id", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("strategy", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("previous_version", "text")
    .addColumn("previous_digest", "text")
    .addColumn("env_config_json", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("error_hint", "text")
    .addColumn("cancel_requested", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", big)
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("updated_at", big, (c) => c.notNull())
    .addColumn("started_at", big)
    .addColumn("finished_at", big)
    .execute();
  await db.schema.createIndex("deployments_by_env").on("deployments").columns(["service", "environment", "created_at"]).execute();
  await db.schema.createIndex("deployments_by_state").on("deployments").columns(["state"]).execute();

  await db.schema
    .createTable("steps")
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("idx", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("params_json", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("result_json", "text")
    .addColumn("started_at", big)
    .addColumn("finished_at", big)
    .addPrimaryKeyConstraint("steps_pk", ["deployment_id", "idx"])
    .execute();

  await db.schema
    .createTable("decisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("step_idx", "integer", (c) => c.notNull())
    .addColumn("check_name", "text", (c) => c.notNull())
    .addColumn("verdict", "text", (c) => c.notNull())
    .addColumn("detail_json", "text", (c) => c.notNull())
    .addColumn("at", big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("decisions_by_deployment").on("decisions").columns(["deployment_id", "at"]).execute();

  await db.schema
    .createTable("env_locks")
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("acquired_at", big, (c) => c.notNull())
    .addPrimaryKeyConstraint("env_locks_pk", ["service", "environment"])
    .execute();

  await db.schema
    .createTable("environments")
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("port", "integer", (c) => c.notNull().unique())
    .addColumn("current_version", "text")
    .addColumn("current_digest", "text")
    .addColumn("current_deployment_id", "text")
    .addColumn("since", big)
    .addColumn("weights_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addPrimaryKeyConstraint("environments_pk", ["service", "environment"])
    .execute();

  await db.schema
    .createTable("replicas")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("pid", "integer")
    .addColumn("port", "integer", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("log_path", "text", (c) => c.notNull())
    .addColumn("started_at", big, (c) => c.notNull())
    .addColumn("stopped_at", big)
    .execute();
  await db.schema.createIndex("replicas_by_env").on("replicas").columns(["service", "environment", "state"]).execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (c) =>
      dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("at", big, (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("payload_json", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_by_subject").on("audit_events").columns(["subject", "seq"]).execute();

  await db.schema
    .createTable("audit_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("last_hash", "text", (c) => c.notNull())
    .addColumn("last_seq", big, (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, last_hash, last_seq) values (1, ${"0".repeat(64)}, 0)`.execute(db);

  await db.schema
    .createTable("tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("scope_service", "text")
    .addColumn("scope_env", "text")
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("expires_at", big)
    .addColumn("last_used_at", big)
    .addColumn("revoked_at", big)
    .execute();
}
