import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { newId, SlipwayError, type Clock } from "../core/index.js";
import type { Store } from "../store/index.js";

export type Role = "viewer" | "deployer" | "approver" | "admin";
const RANK: Record<Role, number> = { viewer: 0, deployer: 1, approver: 2, admin: 3 };

export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    access?: "public" | "viewer" | "deployer" | "admin";
  }
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates an API token. The secret is returned once; only its hash is stored. */
export async function createToken(store: Store, clock: Clock, input: { name: string; role: Role }): Promise<{ id: string; token: string }> {
  const token = `slw_${randomBytes(24).toString("base64url")}`;
  const id = newId();
  await store.db
    .insertInto("tokens")
    .values({ id, name: input.name, token_hash: hashToken(token), role: input.role, scope_service: null, scope_env: null, created_at: clock.now(), expires_at: null, last_used_at: null, revoked_at: null })
    .execute();
  return { id, token };
}

/** Finds the principal for a bearer token; the lookup is by hash, and the hash is compared in constant time. */
export async function authenticate(store: Store, clock: Clock, token: string): Promise<Principal> {
  const hash = hashToken(token);
  const row = await store.db.selectFrom("tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
  const valid = row && timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash)) && row.revoked_at === null && (row.expires_at === null || row.expires_at > clock.now());
  if (!row || !valid) {
    throw new SlipwayError("unauthorized", "the API token is unknown, revoked or expired", {
      hint: "use the admin token in .slipway/admin-token, or ask an admin for a new token",
    });
  }
  await store.db.updateTable("tokens").set({ last_used_at: clock.now() }).where("id", "=", row.id).execute();
  return { tokenId: row.id, name: row.name, role: row.role as Role };
}

/** Every route needs a bearer token carrying at least the route's role, unless it is public. */
export function installAuth(app: FastifyInstance, store: Store, clock: Clock): void {
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const access = request.routeOptions.config?.access ?? "admin";
    if (access === "public" || request.routeOptions.url === undefined) return;
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new SlipwayError("unauthorized", "this request needs an API token", {
        hint: "send `Authorization: Bearer <token>`; the CLI reads SLIPWAY_TOKEN or .slipway/admin-token",
      });
    }
    request.principal = await authenticate(store, clock, match[1]!);
    if (RANK[request.principal.role] < RANK[access]) {
      throw new SlipwayError("forbidden", `token "${request.principal.name}" has role ${request.principal.role}; this needs ${access}`, {
        hint: `ask an admin for a token with role ${access}`,
      });
    }
  });
}

export const actorOf = (request: FastifyRequest): string => request.principal?.name ?? "anonymous";
