import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { verifyAuditChain } from "../../audit/index.js";
import type { ApiContext } from "../context.js";
import { route, routeDocs } from "../route-kit.js";
import { buildOpenApi } from "../openapi.js";

export function registerOpsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "GET", path: "/healthz", summary: "The process is up", access: "public" }, async () => ({ ok: true }));

  route(app, { method: "GET", path: "/readyz", summary: "The database and the router answer", access: "public" }, async ({ reply }) => {
    const checks: Record<string, string> = {};
    await sql`select 1`.execute(ctx.store.db).then(() => (checks.database = "ok"), (err: Error) => (checks.database = err.message));
    await ctx.router.listRoutes().then(() => (checks.router = "ok"), (err: Error) => (checks.router = err.message));
    const ok = Object.values(checks).every((v) => v === "ok");
    reply.status(ok ? 200 : 503);
    return { ok, checks };
  });

  route(app, { method: "GET", path: "/api/v1/openapi.json", summary: "This API's OpenAPI document", access: "public" }, async () => buildOpenApi(routeDocs));

  route(app, { method: "GET", path: "/api/v1/audit/verify", summary: "Walk the audit hash chain", access: "viewer" }, async () => verifyAuditChain(ctx.store.db));
}
