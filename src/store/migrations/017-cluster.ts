import type { Kysely } from "kysely";

/**
 * The control-plane instances sharing a database, with their heartbeats (`slipway status
 * --cluster`), and the node a deployment and an environment are tied to when their replicas
 * are local processes of one machine (a node is a host and a data directory).
 */
export async function up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";
  await db.schema
    .createTable("instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("node", "text", (c) => c.notNull())
    .addColumn("hostname", "text", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("api_url", "text")
    .addColumn("started_at", big, (c) => c.notNull())
    .addColumn("heartbeat_at", big, (c) => c.notNull())
    .addColumn("stopped_at", big)
    .execute();
  await db.schema.createIndex("instances_by_heartbeat").on("instances").columns(["heartbeat_at"]).execute();
  await db.schema.alterTable("deployments").addColumn("node", "text").execute();
  await db.schema.alterTable("environments").addColumn("node", "text").execute();
}
