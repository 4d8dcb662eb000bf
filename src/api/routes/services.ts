import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseServiceConfig } from "../../core/index.js";
import { getServiceConfig, listServices } from "../../engine/index.js";
import { actorOf } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const applyBody = z.object({
  yaml: z.string().min(1, "the slipway.yaml text is empty"),
  file: z.string().default("slipway.yaml"),
});

export function registerServiceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/services", summary: "Register or update a service from its slipway.yaml", body: applyBody, access: "deployer" }, async ({ body, request, reply }) => {
    const applied = await ctx.engine.apply(body.yaml, body.file, actorOf(request));
    reply.status(applied.created ? 201 : 200);
    return applied;
  });

  route(app, { method: "POST", path: "/api/v1/lint", summary: "Check a slipway.yaml without registering it", body: applyBody, access: "viewer" }, async ({ body }) => {
    const result = parseServiceConfig(body.yaml, body.file);
    return { ok: result.errors.length === 0, errors: result.errors, warnings: result.warnings };
  });

  route(app, { method: "GET", path: "/api/v1/services", summary: "List services", access: "viewer" }, async () => ({ services: await listServices(ctx.engine.ctx) }));

  route(app, { method: "GET", path: "/api/v1/services/{name}", summary: "One service's configuration", access: "viewer" }, async ({ params }) => ({
    name: params.name,
    config: await getServiceConfig(ctx.engine.ctx, params.name!),
  }));
}
