/**
 * Routes the web dashboard needs beside the CLI's: who am I, the environments matrix (paged and
 * filtered in SQL), the audit log, a deployment's log tail and the triage clusters.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { listAuditEvents } from "../../audit/index.js";
import { deploymentLogs } from "../../engine/index.js";
import { matrixPage, MATRIX_STATE_FILTERS, type MatrixStateFilter } from "../../store/index.js";
import { listClusters } from "../../triage/index.js";
import { deploymentTarget, forbidden, scopeFilter } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lower-case name (letters, digits, '-')");
const stateFilters = Object.keys(MATRIX_STATE_FILTERS) as [MatrixStateFilter, ...MatrixStateFilter[]];

const matrixQuery = z.object({
  q: z.string().trim().max(100).optional(),
  team: z.string().trim().min(1).max(100).optional(),
  environment: name.optional(),
  state: z.enum(stateFilters).optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(50),
});

const auditQuery = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
  subject: z.string().max(300).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function registerDashboardRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "GET", path: "/api/v1/whoami", summary: "The calling token: name, role, scope and grants", access: "viewer" }, async ({ request }) => {
    const p = request.principal!;
    return { name: p.name, role: p.role, scope: p.scope, grants: p.grants };
  });

  route(app, { method: "GET", path: "/api/v1/matrix", summary: "Services × environments: what runs, since when, replicas, pending work; filtered and paged on the server", query: matrixQuery, access: "viewer" }, async ({ query, request }) => {
    const scope = scopeFilter(request);
    const environment = query.environment ?? scope.environment;
    const page = await matrixPage(ctx.store.db, {
      search: query.q || undefined,
      team: query.team,
      environment,
      state: query.state,
      onlyService: scope.service,
      offset: (query.page - 1) * query.page_size,
      limit: query.page_size,
    });
    return { ...page, page: query.page, pageSize: query.page_size };
  });

  route(app, { method: "GET", path: "/api/v1/audit/events", summary: "The audit log, newest first, filtered by action, actor or subject; page with ?before=SEQ", query: auditQuery, access: "viewer", action: "read the audit log" }, async ({ query, request }) => {
    const p = request.principal!;
    // The log spans every service: a token limited to one may read its deployments' timelines, not this.
    if (p.scope.service !== null || p.scope.environment !== null) throw forbidden(p, { role: "viewer", action: "read the whole audit log" });
    const events = await listAuditEvents(ctx.store.db, { action: query.action, actor: query.actor, subjectPrefix: query.subject, beforeSeq: query.before, limit: query.limit, order: "desc" });
    return { events };
  });

  route(app, { method: "GET", path: "/api/v1/deployments/{id}/logs", summary: "The last lines of each replica's log of a deployment", query: z.object({ lines: z.coerce.number().int().min(1).max(500).default(100) }), access: "viewer", scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params, query }) => ({
    replicas: await deploymentLogs(ctx.engine.ctx, params.id!, query.lines),
  }));

  route(app, { method: "GET", path: "/api/v1/triage/clusters", summary: "Recent pipeline failures grouped by cluster, each with its latest evidence lines", query: z.object({ category: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }), access: "viewer" }, async ({ query }) => ({
    clusters: await listClusters(ctx.store, { limit: query.limit, category: query.category }),
  }));
}
