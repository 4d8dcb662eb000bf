import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { appendAuditEvent } from "../../audit/index.js";
import { isDuration, parseDuration } from "../../core/index.js";
import { actorOf, createToken, GRANTS, listTokens, revokeToken, ROLES, type TokenInfo } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lower-case name (letters, digits, '-')");
const duration = z.string().refine((s) => isDuration(s) && parseDuration(s) > 0, "expected a duration from 1ms to 3650d (ten years), such as 30d, 12h or 90d");

const createBody = z.strictObject({
  name: z.string().min(1).max(100).regex(/^[\w.@-]+$/, "expected letters, digits, '.', '@', '_' or '-'"),
  role: z.enum(ROLES),
  service: name.optional(),
  environment: name.optional(),
  expires: duration.optional(),
  grants: z.array(z.enum(GRANTS)).max(GRANTS.length).optional(),
});

const listQuery = z.object({ unused: duration.optional() });

/** What audit events say about a token: never the secret, never its hash. */
const auditPayload = (t: TokenInfo) => ({ id: t.id, name: t.name, role: t.role, scope: t.scope, grants: t.grants, expiresAt: t.expiresAt });

/** Token management: admins only (on every service). Every change is an audit event. */
export function registerTokenRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/tokens", summary: "Create an API token (the secret is in this answer only)", body: createBody, access: "admin", action: "create tokens" }, async ({ body, request, reply }) => {
    const { token, info } = await createToken(ctx.store, ctx.clock, {
      name: body.name,
      role: body.role,
      service: body.service,
      environment: body.environment,
      expiresAt: body.expires ? ctx.clock.now() + parseDuration(body.expires) : null,
      grants: body.grants,
    });
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "token.created", subject: `token/${info.id}`, payload: auditPayload(info) }, ctx.clock);
    reply.status(201);
    return { ...info, token };
  });

  route(app, { method: "GET", path: "/api/v1/tokens", summary: "List API tokens (never their secrets); unused=30d: active tokens not used for 30 days", query: listQuery, access: "admin", action: "list tokens" }, async ({ query }) => ({
    tokens: await listTokens(ctx.store, ctx.clock, { unusedFor: query.unused ? parseDuration(query.unused) : undefined }),
  }));

  route(app, { method: "DELETE", path: "/api/v1/tokens/{id}", summary: "Revoke an API token", access: "admin", action: "revoke tokens" }, async ({ params, request }) => {
    const { info, changed } = await revokeToken(ctx.store, ctx.clock, params.id!);
    if (changed) await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "token.revoked", subject: `token/${info.id}`, payload: auditPayload(info) }, ctx.clock);
    return { token: info, revoked: changed };
  });
}
