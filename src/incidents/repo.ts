/**
 * Incidents on the record: opening, resolving and linking write the row and append the audit
 * event (incident.opened, incident.resolved, incident.linked) in one transaction, so whatever
 * follows the audit log (notifications, the event stream) hears of it exactly when it happened.
 */
import type { Transaction } from "kysely";
import { appendAuditEvent } from "../audit/index.js";
import { badInput, conflict, newId, notFound, type Clock } from "../core/index.js";
import type { Database, Db, IncidentsTable, Store } from "../store/index.js";
import type { Incident, IncidentSource, OpenIncidentInput, Severity } from "./types.js";

const subject = (id: string) => `incident/${id}`;

function toIncident(row: IncidentsTable, deployments: string[]): Incident {
  return {
    id: row.id,
    title: row.title,
    summary: row.summary,
    severity: row.severity as Severity,
    status: row.status === "resolved" ? "resolved" : "open",
    service: row.service,
    environment: row.environment,
    source: row.source as IncidentSource,
    externalId: row.external_id,
    url: row.url,
    startedAt: Number(row.started_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    openedBy: row.opened_by,
    resolvedBy: row.resolved_by,
    deployments,
  };
}

async function linkedDeployments(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db.selectFrom("incident_deployments").select(["incident_id", "deployment_id"]).where("incident_id", "in", [...ids]).orderBy("linked_at").execute();
  for (const r of rows) out.get(r.incident_id)!.push(r.deployment_id);
  return out;
}

export async function getIncident(db: Db, id: string): Promise<Incident> {
  const row = await db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`no incident ${id}`, { hint: "list incidents with `slipway incident list`" });
  return toIncident(row, (await linkedDeployments(db, [id])).get(id)!);
}

export async function findIncidentBySource(db: Db, source: IncidentSource, externalId: string): Promise<Incident | undefined> {
  const row = await db.selectFrom("incidents").select("id").where("source", "=", source).where("external_id", "=", externalId).executeTakeFirst();
  return row ? getIncident(db, row.id) : undefined;
}

export interface IncidentQuery {
  status?: "open" | "resolved" | undefined;
  service?: string | undefined;
  since?: number | undefined;
  limit?: number | undefined;
}

export async function listIncidents(db: Db, q: IncidentQuery = {}): Promise<Incident[]> {
  let query = db.selectFrom("incidents").selectAll();
  if (q.status) query = query.where("status", "=", q.status);
  if (q.service) query = query.where("service", "=", q.service);
  if (q.since !== undefined) query = query.where("started_at", ">=", q.since);
  const rows = await query.orderBy("started_at", "desc").limit(q.limit ?? 50).execute();
  const links = await linkedDeployments(db, rows.map((r) => r.id));
  return rows.map((r) => toIncident(r, links.get(r.id)!));
}

/**
 * Opens an incident; returns it and whether it is new. One source's incident is opened once:
 * a second delivery (or a second control-plane instance) finds the first.
 */
export async function openIncident(store: Store, clock: Clock, input: OpenIncidentInput): Promise<{ incident: Incident; created: boolean }> {
  const id = newId();
  const now = clock.now();
  const externalId = input.externalId ?? id;
  const created = await store.db.transaction().execute(async (trx) => {
    const result = await trx
      .insertInto("incidents")
      .values({
        id,
        title: input.title,
        summary: input.summary ?? null,
        severity: input.severity,
        status: "open",
        service: input.service ?? null,
        environment: input.environment ?? null,
        source: input.source,
        external_id: externalId,
        url: input.url ?? null,
        started_at: input.startedAt ?? now,
        resolved_at: null,
        opened_by: input.actor,
        resolved_by: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["source", "external_id"]).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await appendAuditEvent(trx, store.dialect, { actor: input.actor, action: "incident.opened", subject: subject(id), payload: { title: input.title, severity: input.severity, service: input.service ?? null, environment: input.environment ?? null, source: input.source, externalId, url: input.url ?? null, startedAt: input.startedAt ?? now, deployments: input.deployments ?? [] } }, clock);
    for (const deploymentId of input.deployments ?? []) await insertLink(trx, id, deploymentId, input.actor, now);
    return true;
  });
  const incident = created ? await getIncident(store.db, id) : (await findIncidentBySource(store.db, input.source, externalId))!;
  return { incident, created };
}

export async function resolveIncident(store: Store, clock: Clock, id: string, r: { actor: string; at?: number | undefined; summary?: string | undefined }): Promise<Incident> {
  const now = clock.now();
  const at = r.at ?? now;
  await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("incidents").select(["status", "started_at"]).where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound(`no incident ${id}`, { hint: "list incidents with `slipway incident list`" });
    if (row.status === "resolved") throw conflict(`incident ${id} is already resolved`);
    if (at < Number(row.started_at)) throw badInput(`the resolution time ${new Date(at).toISOString()} is before the incident started (${new Date(Number(row.started_at)).toISOString()})`);
    await trx.updateTable("incidents").set({ status: "resolved", resolved_at: at, resolved_by: r.actor, updated_at: now, ...(r.summary !== undefined ? { summary: r.summary } : {}) }).where("id", "=", id).execute();
    await appendAuditEvent(trx, store.dialect, { actor: r.actor, action: "incident.resolved", subject: subject(id), payload: { resolvedAt: at, durationMs: at - Number(row.started_at), summary: r.summary ?? null } }, clock);
  });
  return getIncident(store.db, id);
}

/** Links deployments to an incident (the suspected causes); already linked ones are left as they are. */
export async function linkDeployments(store: Store, clock: Clock, id: string, deploymentIds: readonly string[], actor: string): Promise<Incident> {
  const now = clock.now();
  await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("incidents").select(["id", "service"]).where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound(`no incident ${id}`, { hint: "list incidents with `slipway incident list`" });
    const found = await trx.selectFrom("deployments").select(["id", "service", "environment"]).where("id", "in", [...deploymentIds]).execute();
    const missing = deploymentIds.filter((d) => !found.some((f) => f.id === d));
    if (missing.length) throw notFound(`no deployment ${missing.join(", ")}`, { hint: "find deployment ids with `slipway history SERVICE` or `slipway changes`" });
    for (const d of found) await insertLink(trx, id, d.id, actor, now);
    // An incident of no service takes the service of what it is linked to, so it counts in that service's metrics.
    const services = [...new Set(found.map((f) => f.service))];
    await trx.updateTable("incidents").set({ updated_at: now, ...(row.service === null && services.length === 1 ? { service: services[0]! } : {}) }).where("id", "=", id).execute();
    await appendAuditEvent(trx, store.dialect, { actor, action: "incident.linked", subject: subject(id), payload: { deployments: found.map((f) => ({ id: f.id, service: f.service, environment: f.environment })) } }, clock);
  });
  return getIncident(store.db, id);
}

async function insertLink(trx: Transaction<Database>, incidentId: string, deploymentId: string, actor: string, at: number): Promise<void> {
  await trx.insertInto("incident_deployments").values({ incident_id: incidentId, deployment_id: deploymentId, linked_by: actor, linked_at: at }).onConflict((oc) => oc.columns(["incident_id", "deployment_id"]).doNothing()).execute();
}
