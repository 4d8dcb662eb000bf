import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { appendAuditEvent } from "../../audit/index.js";
import { listKeys, MAX_KEY_PEM_BYTES, registerKey, revokeKey, type SigningKey } from "../../supply/index.js";
import { actorOf } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a service name");
const registerBody = z.strictObject({
  name: z.string().min(1).max(63),
  publicKey: z.string().min(1).max(MAX_KEY_PEM_BYTES, `a public key PEM is at most ${MAX_KEY_PEM_BYTES / 1024} KiB`),
  services: z.array(serviceName).max(100).optional(),
  description: z.string().max(500).optional(),
});
const revokeBody = z.strictObject({ reason: z.string().min(1, "say why the key is revoked").max(500) });

/** What audit events say about a key. */
const auditPayload = (k: SigningKey) => ({ name: k.name, keyId: k.keyId, algorithm: k.algorithm, services: k.services, revokeReason: k.revokeReason });

/** Signing keys: admins register and revoke public keys; anyone may read them (they are public). */
export function registerKeyRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/keys", summary: "Register a public signing key (ed25519 or ECDSA P-256, PEM) and the services it may sign", body: registerBody, access: "admin", action: "register signing keys" }, async ({ body, request, reply }) => {
    const key = await registerKey(ctx.store, { name: body.name, publicPem: body.publicKey, services: body.services, description: body.description, actor: actorOf(request) }, ctx.clock);
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "key.registered", subject: `key/${key.name}`, payload: auditPayload(key) }, ctx.clock);
    reply.status(201);
    return { key };
  });

  route(app, { method: "GET", path: "/api/v1/keys", summary: "List signing keys (public halves), revoked ones included", access: "viewer" }, async () => ({ keys: await listKeys(ctx.store) }));

  route(app, { method: "POST", path: "/api/v1/keys/{name}/revoke", summary: "Revoke a signing key: no signature by it counts from now on", body: revokeBody, access: "admin", action: "revoke signing keys" }, async ({ params, body, request }) => {
    const key = await revokeKey(ctx.store, { name: params.name!, actor: actorOf(request), reason: body.reason }, ctx.clock);
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "key.revoked", subject: `key/${key.name}`, payload: auditPayload(key) }, ctx.clock);
    return { key };
  });
}
