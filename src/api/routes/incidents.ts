/**
 * Incidents: open, resolve, link deployments, list, timeline; the alerting sources (admins); and
 * the inbound PagerDuty v3 / Opsgenie webhooks, checked against the source's secret (by
 * reference, resolved per delivery). A delivery that fails the check is refused with 401 and
 * recorded as `incident.webhook_refused`.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { appendAuditEvent } from "../../audit/index.js";
import { badInput, isDuration, parseDuration, SlipwayError, unavailable } from "../../core/index.js";
import {
  addIncidentSource,
  findIncidentBySource,
  findIncidentSource,
  fromOpsgenie,
  fromPagerDuty,
  getIncident,
  incidentTimeline,
  INCIDENT_PROVIDERS,
  linkDeployments,
  listIncidents,
  listIncidentSources,
  openIncident,
  removeIncidentSource,
  resolveIncident,
  SEVERITIES,
  verifyOpsgenieToken,
  verifyPagerDutySignature,
  type AlertAction,
  type IncidentProvider,
} from "../../incidents/index.js";
import { resolveConfig } from "../../secrets/index.js";
import { actorOf, mayView, scopeFilter } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lower-case name (letters, digits, '-')");
const isoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), "expected an ISO 8601 time (e.g. 2026-03-01T10:00:00Z)");
const deploymentId = z.string().regex(/^[0-9A-Z]{26}$/, "expected a deployment id");

const openBody = z.strictObject({
  title: z.string().min(1).max(300),
  summary: z.string().max(10_000).optional(),
  severity: z.enum(SEVERITIES).default("sev2"),
  service: name.optional(),
  environment: name.optional(),
  started_at: isoTime.optional().describe("when it began (default now)"),
  deployments: z.array(deploymentId).max(100).default([]),
});
const resolveBody = z.strictObject({ at: isoTime.optional(), summary: z.string().max(10_000).optional() });
const linkBody = z.strictObject({ deployments: z.array(deploymentId).min(1).max(100) });
const listQuery = z.strictObject({ status: z.enum(["open", "resolved"]).optional(), service: name.optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });
const timelineQuery = z.strictObject({ before: z.string().refine(isDuration, "expected a duration such as 2h").default("2h").describe("how long before the start to look (default 2h)") });
const sourceBody = z.strictObject({
  provider: z.enum(INCIDENT_PROVIDERS),
  name,
  secret: z.string().regex(/^(env|file):.+$/, "expected a secret reference env:NAME or file:/path (never the secret itself)"),
  service: name.optional(),
  environment: name.optional(),
});

const MAX_DELIVERY_BYTES = 5 * 1024 * 1024;
const header = (request: FastifyRequest, h: string): string | undefined => {
  const v = request.headers[h];
  return Array.isArray(v) ? v[0] : v;
};

export function registerIncidentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const target = async (id: string) => {
    const i = await getIncident(ctx.store.db, id);
    return { service: i.service ?? undefined, environment: i.environment ?? undefined };
  };
  route(app, { method: "POST", path: "/api/v1/incidents", summary: "Open an incident", body: openBody, access: "deployer", scope: ({ body }) => body }, async ({ body, request, reply }) => {
    const { incident } = await openIncident(ctx.store, ctx.clock, { ...body, startedAt: body.started_at === undefined ? undefined : Date.parse(body.started_at), source: "manual", actor: actorOf(request) });
    reply.status(201);
    return { incident };
  });
  route(app, { method: "GET", path: "/api/v1/incidents", summary: "Incidents, newest first", query: listQuery, access: "viewer", scope: ({ query }) => query }, async ({ query, request }) => {
    const incidents = await listIncidents(ctx.store.db, { ...query, service: query.service ?? scopeFilter(request).service });
    return { incidents: incidents.filter((i) => i.service === null || mayView(request, { service: i.service })) };
  });
  route(app, { method: "GET", path: "/api/v1/incidents/{id}", summary: "One incident", access: "viewer", scope: ({ params }) => target(params.id!) }, async ({ params }) => ({ incident: await getIncident(ctx.store.db, params.id!) }));
  route(app, { method: "POST", path: "/api/v1/incidents/{id}/resolve", summary: "Resolve an incident", body: resolveBody, access: "deployer", scope: ({ params }) => target(params.id!) }, async ({ params, body, request }) => ({
    incident: await resolveIncident(ctx.store, ctx.clock, params.id!, { actor: actorOf(request), at: body.at === undefined ? undefined : Date.parse(body.at), summary: body.summary }),
  }));
  route(app, { method: "POST", path: "/api/v1/incidents/{id}/links", summary: "Link deployments to an incident (suspected causes)", body: linkBody, access: "deployer", scope: ({ params }) => target(params.id!) }, async ({ params, body, request }) => ({
    incident: await linkDeployments(ctx.store, ctx.clock, params.id!, body.deployments, actorOf(request)),
  }));
  route(app, { method: "GET", path: "/api/v1/incidents/{id}/timeline", summary: "An incident's postmortem timeline: deployments, rollbacks, overrides, approvals, config changes and verdicts", query: timelineQuery, access: "viewer", scope: ({ params }) => target(params.id!) }, async ({ params, query }) =>
    incidentTimeline(ctx.store, ctx.clock, params.id!, parseDuration(query.before)),
  );

  route(app, { method: "POST", path: "/api/v1/incident-sources", summary: "Allow a PagerDuty or Opsgenie integration to post incident webhooks, with its secret by reference", body: sourceBody, access: "admin", action: "manage incident sources" }, async ({ body, request, reply }) => {
    const source = await addIncidentSource(ctx.store, ctx.clock, { provider: body.provider, name: body.name, secretRef: body.secret, service: body.service, environment: body.environment, actor: actorOf(request) });
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "incident.source.added", subject: `incident-source/${source.provider}/${source.name}`, payload: { secretRef: source.secretRef, service: source.service, environment: source.environment } }, ctx.clock);
    reply.status(201);
    return { source };
  });
  route(app, { method: "GET", path: "/api/v1/incident-sources", summary: "List the alerting integrations allowed to post (secret references only)", access: "admin", action: "list incident sources" }, async () => ({ sources: await listIncidentSources(ctx.store) }));
  route(app, { method: "DELETE", path: "/api/v1/incident-sources/{provider}/{name}", summary: "Stop accepting an alerting integration's webhooks", access: "admin", action: "manage incident sources" }, async ({ params, request }) => {
    const provider = z.enum(INCIDENT_PROVIDERS).safeParse(params.provider);
    if (!provider.success) throw badInput(`unknown provider ${params.provider}: expected ${INCIDENT_PROVIDERS.join(" or ")}`);
    const source = await removeIncidentSource(ctx.store, provider.data, params.name!);
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "incident.source.removed", subject: `incident-source/${source.provider}/${source.name}`, payload: {} }, ctx.clock);
    return { source };
  });

  // The signature is over the raw bytes: keep them.
  app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    route(scope, { method: "POST", path: "/api/v1/webhooks/pagerduty/{name}", summary: "PagerDuty v3 webhook (X-PagerDuty-Signature with the source's secret): incident.triggered opens, incident.resolved resolves", access: "public", rawBody: "application/json", bodyLimit: MAX_DELIVERY_BYTES }, async ({ params, request, reply }) => {
      const raw = rawOf(request);
      const payload = parseJson(raw);
      if (typeof (payload as { event?: { event_type?: unknown } } | null)?.event?.event_type !== "string") throw badInput("not a PagerDuty v3 webhook delivery: event.event_type is missing", { hint: "add a v3 webhook subscription in PagerDuty pointing at this URL" });
      await admit(ctx, request, "pagerduty", params.name!, (secret) => verifyPagerDutySignature(raw, header(request, "x-pagerduty-signature"), secret), "X-PagerDuty-Signature");
      return apply(ctx, reply, "pagerduty", params.name!, fromPagerDuty(payload));
    });
    route(scope, { method: "POST", path: "/api/v1/webhooks/opsgenie/{name}", summary: "Opsgenie webhook (X-Opsgenie-Token custom header with the source's secret): Create opens, Close resolves", access: "public", rawBody: "application/json", bodyLimit: MAX_DELIVERY_BYTES }, async ({ params, request, reply }) => {
      const raw = rawOf(request);
      const payload = parseJson(raw);
      if (typeof (payload as { action?: unknown } | null)?.action !== "string") throw badInput("not an Opsgenie webhook delivery: action is missing", { hint: "add a Webhook integration in Opsgenie pointing at this URL" });
      await admit(ctx, request, "opsgenie", params.name!, (secret) => verifyOpsgenieToken(header(request, "x-opsgenie-token"), secret), "X-Opsgenie-Token");
      return apply(ctx, reply, "opsgenie", params.name!, fromOpsgenie(payload));
    });
  });
}

function rawOf(request: FastifyRequest): Buffer {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) throw badInput("the delivery has no body", { hint: "send the event as JSON" });
  return raw;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw badInput(`the delivery is not JSON: ${(err as Error).message}`);
  }
}

/** Refuses (401, recorded) a delivery for an unknown source or whose signature does not match. */
async function admit(ctx: ApiContext, request: FastifyRequest, provider: IncidentProvider, sourceName: string, check: (secret: string) => boolean, what: string): Promise<void> {
  const refuse = async (reason: string, hint: string): Promise<never> => {
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: `${provider}:webhook`, action: "incident.webhook_refused", subject: `incident-source/${provider}/${sourceName}`, payload: { reason, from: request.ip } }, ctx.clock);
    throw new SlipwayError("unauthorized", reason, { hint });
  };
  const source = await findIncidentSource(ctx.store, provider, sourceName);
  if (!source) return refuse(`no ${provider} source named ${sourceName} is registered`, `an admin registers it: slipway incident source add ${provider} ${sourceName} --secret env:NAME`);
  let secret: string;
  try {
    secret = resolveConfig({ INCIDENT_SECRET: { secret: source.secretRef } }, ctx.engine.ctx.secretSource).secrets.INCIDENT_SECRET!;
  } catch (err) {
    throw unavailable(`the secret of ${provider} source ${sourceName} (${source.secretRef}) cannot be read on this server`, { cause: err, hint: "set it where the reference points, on every control-plane replica, and restart" });
  }
  if (!check(secret)) return refuse(`${what} does not match the secret registered for ${provider} source ${sourceName}: the delivery is forged or the secret differs`, "configure the same secret in the integration and where the source's reference points");
}

async function apply(ctx: ApiContext, reply: { status(code: number): unknown }, provider: IncidentProvider, sourceName: string, action: AlertAction): Promise<unknown> {
  if (action.kind === "ignore") {
    reply.status(202);
    return { ignored: action.reason };
  }
  const source = (await findIncidentSource(ctx.store, provider, sourceName))!;
  if (action.kind === "open") {
    const { incident, created } = await openIncident(ctx.store, ctx.clock, { title: action.title, summary: action.summary, severity: action.severity, service: source.service, environment: source.environment, source: provider, externalId: action.externalId, url: action.url, startedAt: action.startedAt ?? undefined, actor: `${provider}:${sourceName}` });
    reply.status(created ? 201 : 200);
    return { incident, created };
  }
  const incident = await findIncidentBySource(ctx.store.db, provider, action.externalId);
  if (!incident) {
    reply.status(202);
    return { ignored: `no incident from ${provider} ${action.externalId} is known here` };
  }
  if (incident.status === "resolved") return { incident, alreadyResolved: true };
  const at = action.at !== null && action.at >= incident.startedAt ? action.at : undefined;
  return { incident: await resolveIncident(ctx.store, ctx.clock, incident.id, { actor: `${provider}:${sourceName}`, at }) };
}
