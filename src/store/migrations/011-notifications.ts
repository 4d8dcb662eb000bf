import { sql, type Kysely } from "kysely";

/**
 * Notifications: the notifier's cursor over the audit log and the outbox of messages to send.
 * The cursor starts at the log's current head, so a database that already has history does
 * not announce its past. One outbox row per (audit event, destination): the unique key is what
 * makes enqueueing idempotent across restarts and instances.
 */
export async function up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";
  await db.schema
    .createTable("notify_cursor")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("last_seq", big, (c) => c.notNull())
    .execute();
  await sql`insert into notify_cursor (name, last_seq) select 'outbox', last_seq from audit_head where id = 1`.execute(db);
  await db.schema
    .createTable("notify_outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("event_seq", big, (c) => c.notNull())
    .addColumn("destination", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("target_json", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("service", "text")
    .addColumn("environment", "text")
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("message_json", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_at", big, (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", big)
    .addColumn("last_error", "text")
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("updated_at", big, (c) => c.notNull())
    .addColumn("delivered_at", big)
    .addUniqueConstraint("notify_outbox_event_destination", ["event_seq", "destination"])
    .execute();
  await db.schema.createIndex("notify_outbox_due").on("notify_outbox").columns(["state", "next_at"]).execute();
}
