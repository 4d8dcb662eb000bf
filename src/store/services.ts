import type { Db, ServicesTable } from "./schema.js";

/** Registered services: each one's slipway.yaml, as text and as parsed configuration. */

export async function getServiceRow(db: Db, name: string): Promise<ServicesTable | undefined> {
  return db.selectFrom("services").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function listServiceRows(db: Db): Promise<Pick<ServicesTable, "name" | "owner" | "updated_at">[]> {
  return db.selectFrom("services").select(["name", "owner", "updated_at"]).orderBy("name").execute();
}

/** Creates or updates a service; true when it was created. */
export async function upsertService(db: Db, service: { name: string; owner: string; configJson: string; configYaml: string; at: number }): Promise<boolean> {
  const values = { owner: service.owner, config_json: service.configJson, config_yaml: service.configYaml, updated_at: service.at };
  const existing = await db.selectFrom("services").select("name").where("name", "=", service.name).executeTakeFirst();
  if (existing) await db.updateTable("services").set(values).where("name", "=", service.name).execute();
  else await db.insertInto("services").values({ name: service.name, created_at: service.at, ...values }).execute();
  return !existing;
}
