import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { DEPLOYMENT_STATES, parseDuration } from "../../core/index.js";
import { actorOf, deploymentTarget, mayView, scopeFilter } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";
import { overrideFields, requestedOverride } from "./governance.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lower-case name (letters, digits, '-')");

const deployBody = z.object({
  service: name,
  environment: name,
  version: z.string().min(1).max(128),
  ...overrideFields,
});

const rollbackBody = z.object({
  service: name,
  environment: name,
  to: z.string().min(1).max(128).optional(),
  reason: z.string().max(2000).optional(),
});

const historyQuery = z.object({
  service: name.optional(),
  environment: name.optional(),
  state: z.enum(DEPLOYMENT_STATES).optional(),
  since: z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, "expected a duration such as 2h or 7d")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function registerDeploymentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/deployments", summary: "Start a deployment of a pushed version", body: deployBody, access: "deployer", scope: ({ body }) => body }, async ({ body, request, reply }) => {
    reply.status(201);
    const { override_window: _overrideWindow, ...rest } = body;
    return { deployment: await ctx.engine.deploy({ ...rest, actor: actorOf(request), override: requestedOverride(request, body) }) };
  });

  route(app, { method: "POST", path: "/api/v1/rollbacks", summary: "Redeploy the last good (or a named) version", body: rollbackBody, access: "deployer", scope: ({ body }) => body }, async ({ body, request, reply }) => {
    reply.status(201);
    return { deployment: await ctx.engine.rollback({ ...body, actor: actorOf(request) }) };
  });

  route(app, { method: "GET", path: "/api/v1/deployments", summary: "Deployments, newest first", query: historyQuery, access: "viewer", scope: ({ query }) => query }, async ({ query, request }) => ({
    deployments: await ctx.engine.history({
      service: query.service ?? scopeFilter(request).service,
      environment: query.environment ?? scopeFilter(request).environment,
      states: query.state ? [query.state] : undefined,
      since: query.since ? ctx.clock.now() - parseDuration(query.since) : undefined,
      limit: query.limit,
    }),
  }));

  route(app, { method: "GET", path: "/api/v1/deployments/{id}", summary: "One deployment: plan, decisions, timeline", access: "viewer", scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params }) => ctx.engine.show(params.id!));

  route(app, { method: "POST", path: "/api/v1/deployments/{id}/cancel", summary: "Cancel a deployment and restore what ran before", access: "deployer", scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params, request }) => ({
    deployment: await ctx.engine.cancel(params.id!, actorOf(request)),
  }));

  route(app, { method: "GET", path: "/api/v1/status", summary: "What runs where", query: z.object({ service: name.optional() }), access: "viewer", scope: ({ query }) => query }, async ({ query, request }) => ({
    environments: (await ctx.engine.status(query.service ?? scopeFilter(request).service)).filter((e) => mayView(request, e)),
  }));

  route(app, { method: "GET", path: "/api/v1/cluster", summary: "Control-plane instances: heartbeats, what each holds, work waiting for a node", access: "viewer" }, async ({ request }) => {
    const view = await ctx.engine.cluster();
    return {
      ...view,
      instances: view.instances.map((i) => ({ ...i, holds: i.holds.filter((d) => mayView(request, d)) })),
      stranded: view.stranded.filter((d) => mayView(request, d)),
    };
  });
}
