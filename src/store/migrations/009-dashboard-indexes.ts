import type { Kysely } from "kysely";

/**
 * Indexes for the web dashboard's queries at 10,000 services and a million deployments: the
 * environments matrix filters services by team and by what their deployments wait for, and pages
 * them by name; the audit page filters the log by action and actor, newest first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("services_by_owner").on("services").columns(["owner", "name"]).execute();
  // Covering, in name order: a search pages through names and owners without reading the rows'
  // slipway.yaml (kilobytes each, in overflow pages: 50 ms per search at 10,000 services).
  await db.schema.createIndex("services_by_name_owner").on("services").columns(["name", "owner"]).execute();
  await db.schema.createIndex("deployments_by_service_state").on("deployments").columns(["service", "state"]).execute();
  await db.schema.createIndex("environments_by_environment").on("environments").columns(["environment", "service"]).execute();
  await db.schema.createIndex("audit_by_action").on("audit_events").columns(["action", "seq"]).execute();
  await db.schema.createIndex("audit_by_actor").on("audit_events").columns(["actor", "seq"]).execute();
}
