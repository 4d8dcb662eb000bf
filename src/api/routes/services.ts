import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { getServiceConfig, listServices } from "../../engine/index.js";
import { checkConfigOffThread } from "../config-check.js";
import { actorOf, mayView } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const applyBody = z.object({
  yaml: z.string().min(1, "the slipway.yaml text is empty"),
  file: z.string().default("slipway.yaml"),
});

export function registerServiceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/services", summary: "Register or update a service from its slipway.yaml", body: applyBody, bodyLimit: ctx.limits.configBodyBytes, access: "deployer", scope: async ({ body }) => ({ service: (await checkConfigOffThread(body)).serviceName }) }, async ({ body, request, reply }) => {
    const applied = await ctx.engine.apply(body.yaml, body.file, actorOf(request), await checkConfigOffThread(body));
    reply.status(applied.created ? 201 : 200);
    return applied;
  });

  route(app, { method: "POST", path: "/api/v1/lint", summary: "Check a slipway.yaml without registering it", body: applyBody, bodyLimit: ctx.limits.configBodyBytes, access: "viewer" }, async ({ body }) => {
    const result = await checkConfigOffThread(body);
    return { ok: result.errors.length === 0, errors: result.errors, warnings: result.warnings };
  });

  route(app, { method: "GET", path: "/api/v1/services", summary: "List services", access: "viewer" }, async ({ request }) => ({
    services: (await listServices(ctx.engine.ctx)).filter((s) => mayView(request, { service: s.name })),
  }));

  route(app, { method: "GET", path: "/api/v1/services/{name}", summary: "One service's configuration", access: "viewer", scope: ({ params }) => ({ service: params.name }) }, async ({ params }) => ({
    name: params.name,
    config: await getServiceConfig(ctx.engine.ctx, params.name!),
  }));
}
