import type { Kysely } from "kysely";

/** Approvals, break-glass overrides, and what a deployment is waiting for (gates, holds). */
export async function up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";
  await db.schema
    .createTable("approvals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("by", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("decision", "text", (c) => c.notNull())
    .addColumn("comment", "text")
    .addColumn("at", big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("approvals_by_deployment").on("approvals").columns(["deployment_id", "at"]).execute();
  await db.schema.alterTable("deployments").addColumn("override_by", "text").execute();
  await db.schema.alterTable("deployments").addColumn("override_reason", "text").execute();
  // Gates that wait (approval, soak, window) say until when not to look again, and why.
  await db.schema.alterTable("deployments").addColumn("not_before", big).execute();
  await db.schema.alterTable("deployments").addColumn("waiting_for", "text").execute();
}
