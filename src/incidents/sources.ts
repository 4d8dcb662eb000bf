import { conflict, newId, notFound, type Clock } from "../core/index.js";
import type { IncidentSourcesTable, Store } from "../store/index.js";
import type { IncidentProvider, IncidentSourceConfig } from "./types.js";

/** The alerting integrations allowed to post incident webhooks; each one's secret by reference only. */

const toSource = (r: IncidentSourcesTable): IncidentSourceConfig => ({
  id: r.id,
  provider: r.provider as IncidentProvider,
  name: r.name,
  secretRef: r.secret_ref,
  service: r.service,
  environment: r.environment,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
});

export async function addIncidentSource(store: Store, clock: Clock, s: { provider: IncidentProvider; name: string; secretRef: string; service?: string | undefined; environment?: string | undefined; actor: string }): Promise<IncidentSourceConfig> {
  const existing = await store.db.selectFrom("incident_sources").select("id").where("provider", "=", s.provider).where("name", "=", s.name).executeTakeFirst();
  if (existing) throw conflict(`a ${s.provider} source named ${s.name} exists`, { hint: `remove it first: slipway incident source remove ${s.provider} ${s.name}` });
  const row: IncidentSourcesTable = { id: newId(), provider: s.provider, name: s.name, secret_ref: s.secretRef, service: s.service ?? null, environment: s.environment ?? null, created_by: s.actor, created_at: clock.now() };
  await store.db.insertInto("incident_sources").values(row).execute();
  return toSource(row);
}

export async function findIncidentSource(store: Store, provider: IncidentProvider, name: string): Promise<IncidentSourceConfig | undefined> {
  const row = await store.db.selectFrom("incident_sources").selectAll().where("provider", "=", provider).where("name", "=", name).executeTakeFirst();
  return row ? toSource(row) : undefined;
}

export async function listIncidentSources(store: Store): Promise<IncidentSourceConfig[]> {
  return (await store.db.selectFrom("incident_sources").selectAll().orderBy("provider").orderBy("name").execute()).map(toSource);
}

export async function removeIncidentSource(store: Store, provider: IncidentProvider, name: string): Promise<IncidentSourceConfig> {
  const source = await findIncidentSource(store, provider, name);
  if (!source) throw notFound(`no ${provider} source named ${name}`, { hint: "list them with `slipway incident source list`" });
  await store.db.deleteFrom("incident_sources").where("id", "=", source.id).execute();
  return source;
}
