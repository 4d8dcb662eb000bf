/**
 * Identity and access: API tokens (random, shown once, stored as SHA-256 hashes), roles
 * `viewer < deployer < approver < admin`, an optional scope per token (one service and/or one
 * environment), and grants beside the role (`emergency`: break-glass overrides).
 *
 * Authentication happens for every non-public route in an onRequest hook (401 before any body
 * is read). Authorisation needs the request's target (service, environment), which is known
 * only after the body is parsed, so `route()` (route-kit) calls `authorize()` once it has
 * evaluated the route's `scope`; handlers that need more (approvals on a deployment, an
 * override) call `authorize()` themselves with the permission they need.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { conflict, newId, notFound, ROLE_NAMES, SlipwayError, type Clock, type Role } from "../core/index.js";
import { roleAtLeast } from "../policy/index.js";
import type { Store, TokensTable } from "../store/index.js";
import { verifyTicket } from "./sse-ticket.js";

/** The roles, least first; one definition (core) shared with slipway.yaml's approvals.from. */
export const ROLES = ROLE_NAMES;
export type { Role };
/** What a route declares: the least role it needs, or "public" (no token at all). */
export type Access = "public" | Role;

/** Permissions a token may carry beside its role. `emergency`: may override change windows and freezes. */
export const GRANTS = ["emergency"] as const;
export type Grant = (typeof GRANTS)[number];

/** A token's limits: null means "any". */
export interface TokenScope {
  service: string | null;
  environment: string | null;
}

export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  scope: TokenScope;
  grants: readonly Grant[];
}

/**
 * What a request acts on.
 * - `service`: the service; absent = every service (a list, a server-wide action).
 * - `environment`: the environment; absent = every environment of the service(s);
 *   `null` = no environment is touched (pushing an artifact).
 */
export interface Target {
  service?: string;
  environment?: string | null;
}

/** A permission: a role on a target; `action` (e.g. "approve") makes the 403 read well. */
export interface Permission extends Target {
  role: Role;
  action?: string;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** Set by route(): the handler wrapper authorises after evaluating the route's scope. */
    scopedByRoute?: boolean;
    /** The route also takes an SSE ticket (`?ticket=`) in place of the bearer token. */
    ticketAuth?: boolean;
  }
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Last-used times are written at most this often per token (one write per request is wasteful). */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreateTokenInput {
  name: string;
  role: Role;
  service?: string | null;
  environment?: string | null;
  /** Absolute expiry (UTC ms); absent: never expires. */
  expiresAt?: number | null;
  grants?: readonly Grant[];
}

/** A token as listed: everything but the secret (and its hash). */
export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  scope: TokenScope;
  grants: Grant[];
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  state: "active" | "expired" | "revoked";
}

/** Creates an API token. The secret is returned once; only its hash is stored. */
export async function createToken(store: Store, clock: Clock, input: CreateTokenInput): Promise<{ id: string; token: string; info: TokenInfo }> {
  const token = `slw_${randomBytes(24).toString("base64url")}`;
  const row: TokensTable = {
    id: newId(),
    name: input.name,
    token_hash: hashToken(token),
    role: input.role,
    scope_service: input.service ?? null,
    scope_env: input.environment ?? null,
    created_at: clock.now(),
    expires_at: input.expiresAt ?? null,
    last_used_at: null,
    revoked_at: null,
    grants: JSON.stringify([...new Set(input.grants ?? [])]),
  };
  await store.db.insertInto("tokens").values(row).execute();
  return { id: row.id, token, info: tokenInfo(row, clock.now()) };
}

/** Finds the principal for a bearer token; the lookup is by hash, and the hash is compared in constant time. */
export async function authenticate(store: Store, clock: Clock, token: string): Promise<Principal> {
  const hash = hashToken(token);
  const row = await store.db.selectFrom("tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
  const valid = row && timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash));
  return principalOf(store, clock, valid ? row : undefined);
}

/** The principal of a token found by id (an SSE ticket names its token): refused like a bearer token if revoked or expired. */
export async function authenticatedById(store: Store, clock: Clock, tokenId: string): Promise<Principal> {
  return principalOf(store, clock, await store.db.selectFrom("tokens").selectAll().where("id", "=", tokenId).executeTakeFirst());
}

async function principalOf(store: Store, clock: Clock, row: TokensTable | undefined): Promise<Principal> {
  const now = clock.now();
  if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) {
    throw new SlipwayError("unauthorized", "the API token is unknown, revoked or expired", {
      hint: "use the admin token in .slipway/admin-token, or ask an admin for a new token (slipway token create)",
    });
  }
  if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
    await store.db.updateTable("tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
  }
  return { tokenId: row.id, name: row.name, role: row.role as Role, scope: { service: row.scope_service, environment: row.scope_env }, grants: parseGrants(row.grants) };
}

/** Tokens, oldest first; `unusedFor`: only active tokens not used (or, never used, not created) within that many ms. */
export async function listTokens(store: Store, clock: Clock, options: { unusedFor?: number } = {}): Promise<TokenInfo[]> {
  const now = clock.now();
  const rows = await store.db.selectFrom("tokens").selectAll().orderBy("created_at").orderBy("id").execute();
  const all = rows.map((r) => tokenInfo(r, now));
  if (options.unusedFor === undefined) return all;
  const cutoff = now - options.unusedFor;
  return all.filter((t) => t.state === "active" && (t.lastUsedAt ?? t.createdAt) < cutoff);
}

/**
 * Revokes a token (idempotent: `changed` is false if it was revoked already). Refuses to revoke
 * the last active admin token that is not limited to a scope, which would lock everyone out.
 */
export async function revokeToken(store: Store, clock: Clock, id: string): Promise<{ info: TokenInfo; changed: boolean }> {
  const now = clock.now();
  const row = await store.db.selectFrom("tokens").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`no token ${id}`, { hint: "list tokens with `slipway token list`" });
  if (row.revoked_at !== null) return { info: tokenInfo(row, now), changed: false };
  const info = tokenInfo(row, now);
  if (info.state === "active" && isFullAdmin(info)) {
    const admins = (await listTokens(store, clock)).filter((t) => t.state === "active" && isFullAdmin(t));
    if (admins.length <= 1) {
      throw conflict(`token "${row.name}" is the last active admin token; revoking it would leave no one able to manage tokens`, {
        hint: "create another admin token first (slipway token create --role admin), then revoke this one",
      });
    }
  }
  await store.db.updateTable("tokens").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).execute();
  return { info: tokenInfo({ ...row, revoked_at: now }, now), changed: true };
}

const isFullAdmin = (t: TokenInfo) => t.role === "admin" && t.scope.service === null && t.scope.environment === null;

function tokenInfo(row: TokensTable, now: number): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    scope: { service: row.scope_service, environment: row.scope_env },
    grants: parseGrants(row.grants),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    state: row.revoked_at !== null ? "revoked" : row.expires_at !== null && row.expires_at <= now ? "expired" : "active",
  };
}

function parseGrants(text: string | null | undefined): Grant[] {
  try {
    const value: unknown = JSON.parse(text ?? "[]");
    return Array.isArray(value) ? value.filter((g): g is Grant => (GRANTS as readonly string[]).includes(g as string)) : [];
  } catch {
    return [];
  }
}

/** True if the principal carries the grant (e.g. "emergency"). The role does not imply grants. */
export function hasGrant(principal: Principal | undefined, grant: Grant): boolean {
  return principal?.grants.includes(grant) ?? false;
}

/** Break-glass (overriding change windows and freezes): the admin role or an `emergency` grant. */
export function mayBreakGlass(principal: Principal | undefined): boolean {
  return principal !== undefined && (principal.role === "admin" || hasGrant(principal, "emergency"));
}

export { roleAtLeast };

/**
 * Why `principal` lacks `permission`, or undefined if it has it. Scoping limits what a token may
 * act on: a target outside its scope is refused, except reads (viewer) that span every service
 * or environment (lists), which route handlers narrow to the token's scope (see `scopeFilter`).
 */
export function missingPermission(principal: Principal, permission: Permission): string | undefined {
  const needs = `needs ${permission.role}${describeTarget(permission)}`;
  if (!roleAtLeast(principal.role, permission.role)) return needs;
  const read = permission.role === "viewer";
  const { service, environment } = principal.scope;
  if (service !== null) {
    if (permission.service === undefined ? !read : permission.service !== service) return needs;
  }
  if (environment !== null && permission.environment !== null) {
    if (permission.environment === undefined ? !read : permission.environment !== environment) return needs;
  }
  return undefined;
}

/** The 403 for a principal that lacks a permission, naming what is missing. */
export function forbidden(principal: Principal, permission: Permission): SlipwayError {
  const missing = missingPermission(principal, permission) ?? `needs ${permission.role}${describeTarget(permission)}`;
  const outOfScope = roleAtLeast(principal.role, permission.role);
  // "needs approver on a/prod" → "that needs the approver role on a/prod": the message reads as one sentence.
  const reason = missing.replace(/^needs (\w+)/, "that needs the $1 role");
  return new SlipwayError("forbidden", `token "${principal.name}" (${describePrincipal(principal)}) cannot ${permission.action ?? "do this"}: ${reason}`, {
    hint: outOfScope ? `this token is limited to ${describeScope(principal.scope)}; use a token whose scope covers the target` : `ask an admin for a token with role ${permission.role}${describeTarget(permission)}`,
    details: { role: permission.role, service: permission.service ?? null, environment: permission.environment ?? null, token: { name: principal.name, role: principal.role, scope: principal.scope } },
  });
}

/**
 * The authorisation check route handlers use: throws 401 without a principal and 403 (naming
 * the missing permission) unless the request's token has `permission`.
 */
export function authorize(request: FastifyRequest, permission: Permission): Principal {
  const principal = request.principal;
  if (!principal) throw new SlipwayError("unauthorized", "this request needs an API token", { hint: "send `Authorization: Bearer <token>`" });
  if (missingPermission(principal, permission) !== undefined) throw forbidden(principal, permission);
  return principal;
}

/** The token's scope as list filters: handlers of list routes narrow their results with it. */
export function scopeFilter(request: FastifyRequest): { service?: string; environment?: string } {
  const scope = request.principal?.scope;
  return { service: scope?.service ?? undefined, environment: scope?.environment ?? undefined };
}

/** True if the request's token may see a row about this service/environment (for narrowing lists). */
export function mayView(request: FastifyRequest, target: Target): boolean {
  return request.principal !== undefined && missingPermission(request.principal, { role: "viewer", ...target }) === undefined;
}

/** The target of a deployment's routes: its service and environment (404 if there is no such deployment). */
export async function deploymentTarget(store: Store, id: string): Promise<Target> {
  const row = await store.db.selectFrom("deployments").select(["service", "environment"]).where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`no deployment ${id}`, { hint: "list deployments with `slipway history SERVICE`" });
  return { service: row.service, environment: row.environment };
}

function describeTarget(t: Target): string {
  if (t.service !== undefined && typeof t.environment === "string") return ` on ${t.service}/${t.environment}`;
  if (t.service !== undefined) return ` on service ${t.service}${t.environment === undefined ? " (all its environments)" : ""}`;
  if (typeof t.environment === "string") return ` on environment ${t.environment} of every service`;
  return "";
}

function describeScope(s: TokenScope): string {
  if (s.service !== null && s.environment !== null) return `${s.service}/${s.environment}`;
  if (s.service !== null) return `service ${s.service}`;
  if (s.environment !== null) return `environment ${s.environment}`;
  return "everything";
}

function describePrincipal(p: Principal): string {
  const scoped = p.scope.service !== null || p.scope.environment !== null;
  return scoped ? `${p.role} on ${describeScope(p.scope)}` : p.role;
}

/**
 * Every route needs a bearer token unless it is public (401 here, before the body is read).
 * Routes registered through route() are then authorised by it, against their target; any other
 * route is authorised here with its `access` role (default admin) on every service.
 */
export function installAuth(app: FastifyInstance, store: Store, clock: Clock): void {
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const config = request.routeOptions.config;
    const access = config?.access ?? "admin";
    if (access === "public" || request.routeOptions.url === undefined) return;
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const ticket = (request.query as { ticket?: unknown } | undefined)?.ticket;
    if (!match && config?.ticketAuth && typeof ticket === "string") {
      // EventSource cannot send headers: a short-lived ticket for this one stream instead (sse-ticket.ts).
      request.principal = await authenticatedById(store, clock, await verifyTicket(store, clock, ticket, (request.params as { id?: string }).id ?? ""));
    } else if (!match) {
      throw new SlipwayError("unauthorized", "this request needs an API token", {
        hint: "send `Authorization: Bearer <token>`; the CLI reads --token, SLIPWAY_TOKEN or .slipway/admin-token",
      });
    } else request.principal = await authenticate(store, clock, match[1]!);
    request.log.debug({ token: request.principal.name, tokenId: request.principal.tokenId }, "authenticated");
    if (!config?.scopedByRoute) authorize(request, { role: access, action: `call ${request.method} ${request.routeOptions.url}` });
  });
  // Refusals are worth a log line for operators: who, what route, why. Never the credential
  // (the route template is logged, not the raw URL; tokens travel only in the header).
  app.addHook("onError", async (request, _reply, error) => {
    const code = (error as { code?: unknown }).code;
    if (code !== "unauthorized" && code !== "forbidden") return;
    request.log.warn({ token: request.principal?.name ?? null, method: request.method, route: request.routeOptions.url, code, reason: error.message }, "access refused");
  });
}

export const actorOf = (request: FastifyRequest): string => request.principal?.name ?? "anonymous";
