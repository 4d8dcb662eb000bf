/**
 * Tokens and scopes over the real API, on both databases:
 * - a token scoped to service A (or environment E) acting on B (or F) is refused with a 403
 *   that names the permission it lacks; inside its scope it passes; lists are narrowed to it;
 * - a revoked token and an expired token (the clock is moved, never slept) are 401;
 * - the token API: create (secret once), list (no secret; --unused), revoke (idempotent; the
 *   last admin token cannot be revoked); each change is an audit event without the secret;
 * - a secret appears nowhere: not in any text column of any table, not in the server log.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { forbidden, hasGrant, mayBreakGlass, missingPermission, type Principal, type TokenInfo } from "../../src/api/auth.js";
import { listAuditEvents } from "../../src/audit/index.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { dumpTextValues, insertDeployment, startHarness, type AccessHarness } from "./harness.js";

const DAY = 86_400_000;

function principal(role: Principal["role"], service: string | null = null, environment: string | null = null, grants: Principal["grants"] = []): Principal {
  return { tokenId: "t", name: "ci", role, scope: { service, environment }, grants };
}

describe("permission rules (no I/O)", () => {
  test("a 403 names the token, what it tried and the permission missing", () => {
    const err = forbidden(principal("deployer", "checkout-api"), { role: "approver", service: "checkout-api", environment: "prod", action: "approve" });
    assert.equal(err.code, "forbidden");
    assert.equal(err.message, 'token "ci" (deployer on service checkout-api) cannot approve: that needs the approver role on checkout-api/prod');
  });

  test("roles are ordered viewer < deployer < approver < admin", () => {
    assert.equal(missingPermission(principal("approver"), { role: "deployer", service: "a", environment: "prod" }), undefined);
    assert.equal(missingPermission(principal("admin"), { role: "approver" }), undefined);
    assert.equal(missingPermission(principal("deployer"), { role: "approver", service: "a", environment: "prod" }), "needs approver on a/prod");
    assert.equal(missingPermission(principal("viewer"), { role: "deployer" }), "needs deployer");
  });

  test("scopes: service, environment, both; reads across everything stay allowed, changes do not", () => {
    const svc = principal("deployer", "a");
    assert.equal(missingPermission(svc, { role: "deployer", service: "a", environment: "prod" }), undefined);
    assert.equal(missingPermission(svc, { role: "deployer", service: "b", environment: "prod" }), "needs deployer on b/prod");
    assert.equal(missingPermission(svc, { role: "deployer" }), "needs deployer", "a change to every service is out of a scoped token's reach");
    assert.equal(missingPermission(svc, { role: "viewer" }), undefined, "lists: allowed, and narrowed by the handler");
    assert.equal(missingPermission(svc, { role: "viewer", service: "b" }), "needs viewer on service b (all its environments)");

    const env = principal("deployer", null, "dev");
    assert.equal(missingPermission(env, { role: "deployer", service: "a", environment: "dev" }), undefined);
    assert.equal(missingPermission(env, { role: "deployer", service: "a", environment: "prod" }), "needs deployer on a/prod");
    assert.equal(missingPermission(env, { role: "deployer", service: "a", environment: null }), undefined, "an artifact push touches no environment");
    assert.equal(missingPermission(env, { role: "deployer", service: "a" }), "needs deployer on service a (all its environments)", "a service's config covers every environment");

    const both = principal("approver", "a", "prod");
    assert.equal(missingPermission(both, { role: "approver", service: "a", environment: "prod" }), undefined);
    assert.equal(missingPermission(both, { role: "approver", service: "a", environment: "staging" }), "needs approver on a/staging");
  });

  test("grants: hasGrant reads the token's grants; break-glass is admin or emergency", () => {
    assert.equal(hasGrant(principal("deployer", null, null, ["emergency"]), "emergency"), true);
    assert.equal(hasGrant(principal("admin"), "emergency"), false);
    assert.equal(hasGrant(undefined, "emergency"), false);
    assert.equal(mayBreakGlass(principal("admin")), true);
    assert.equal(mayBreakGlass(principal("deployer", null, null, ["emergency"])), true);
    assert.equal(mayBreakGlass(principal("approver")), false);
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`tokens and scopes over the API (${dialect})`, () => {
    let h: AccessHarness;
    let admin: string;
    const secrets: string[] = [];

    before(async () => {
      h = await startHarness(dialect);
      admin = await h.token("root", "admin");
      secrets.push(admin);
    });
    after(() => h?.close());

    const call = async (token: string | undefined, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) => {
      const answer = await h.app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { status: answer.statusCode, body: answer.body ? (answer.json() as Record<string, unknown> & { error?: { code: string; message: string; hint?: string } }) : {} };
    };
    const create = async (body: Record<string, unknown>) => {
      const answer = await call(admin, "POST", "/api/v1/tokens", body);
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const created = answer.body as unknown as TokenInfo & { token: string };
      secrets.push(created.token);
      return created;
    };

    test("a token scoped to service A cannot deploy service B; the 403 names the scope", async () => {
      const { token } = await create({ name: "ci-a", role: "deployer", service: "svc-a" });
      const refused = await call(token, "POST", "/api/v1/deployments", { service: "svc-b", environment: "prod", version: "1.0.0" });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error!.message, 'token "ci-a" (deployer on service svc-a) cannot start a deployment of a pushed version: that needs the deployer role on svc-b/prod');
      assert.match(refused.body.error!.hint!, /limited to service svc-a/);
      // Inside its scope, authorisation passes (the service is unknown, so the engine says 404).
      const inside = await call(token, "POST", "/api/v1/deployments", { service: "svc-a", environment: "prod", version: "1.0.0" });
      assert.notEqual(inside.status, 403, JSON.stringify(inside.body));
      assert.notEqual(inside.status, 401);
      // Other routes with a target: rollback, artifacts, a service's config, apply.
      assert.equal((await call(token, "POST", "/api/v1/rollbacks", { service: "svc-b", environment: "dev" })).status, 403);
      assert.equal((await call(token, "GET", "/api/v1/artifacts/svc-b")).status, 403);
      assert.equal((await call(token, "GET", "/api/v1/services/svc-b")).status, 403);
      const apply = await call(token, "POST", "/api/v1/services", { yaml: "service: svc-b\nowner: x\n" });
      assert.equal(apply.status, 403);
      assert.match(apply.body.error!.message, /that needs the deployer role on service svc-b/);
      // Token management is for unscoped admins only.
      assert.equal((await call(token, "GET", "/api/v1/tokens")).status, 403);
    });

    test("a token scoped to an environment: deploys there, not elsewhere; pushes artifacts; cannot change a service's config", async () => {
      const { token } = await create({ name: "ci-dev", role: "deployer", environment: "dev" });
      const prod = await call(token, "POST", "/api/v1/deployments", { service: "svc-a", environment: "prod", version: "1.0.0" });
      assert.equal(prod.status, 403);
      assert.match(prod.body.error!.message, /\(deployer on environment dev\) .*that needs the deployer role on svc-a\/prod$/);
      assert.notEqual((await call(token, "POST", "/api/v1/deployments", { service: "svc-a", environment: "dev", version: "1.0.0" })).status, 403);
      const push = await h.app.inject({ method: "PUT", url: "/api/v1/artifacts/svc-a/1.0.0", headers: { authorization: `Bearer ${token}`, "content-type": "application/gzip" }, payload: Buffer.from("not a tarball") });
      assert.notEqual(push.statusCode, 403, push.body);
      assert.equal((await call(token, "POST", "/api/v1/services", { yaml: "service: svc-a\nowner: x\n" })).status, 403);
    });

    test("deployments looked up by id are authorised on their service and environment; lists are narrowed", async () => {
      const a = await insertDeployment(h.store, "svc-a", "prod", h.clock.now());
      const b = await insertDeployment(h.store, "svc-b", "prod", h.clock.now());
      const viewerA = await create({ name: "view-a", role: "viewer", service: "svc-a" });
      assert.equal((await call(viewerA.token, "GET", `/api/v1/deployments/${a}`)).status, 200);
      const other = await call(viewerA.token, "GET", `/api/v1/deployments/${b}`);
      assert.equal(other.status, 403);
      assert.match(other.body.error!.message, /that needs the viewer role on svc-b\/prod$/);
      assert.equal((await call(viewerA.token, "GET", `/api/v1/deployments/${b}/events`)).status, 403);
      const deployerA = await create({ name: "dep-a", role: "deployer", service: "svc-a" });
      const cancel = await call(deployerA.token, "POST", `/api/v1/deployments/${b}/cancel`);
      assert.equal(cancel.status, 403);
      assert.match(cancel.body.error!.message, /cannot cancel a deployment .*: that needs the deployer role on svc-b\/prod$/);

      const list = await call(viewerA.token, "GET", "/api/v1/deployments");
      assert.equal(list.status, 200);
      const services = (list.body.deployments as { service: string }[]).map((d) => d.service);
      assert.deepEqual([...new Set(services)], ["svc-a"]);
      assert.equal((await call(viewerA.token, "GET", "/api/v1/deployments?service=svc-b")).status, 403);
      const all = await call(admin, "GET", "/api/v1/deployments");
      assert.deepEqual([...new Set((all.body.deployments as { service: string }[]).map((d) => d.service))].sort(), ["svc-a", "svc-b"]);
    });

    test("a revoked token and an expired token are refused with 401", async () => {
      const revoked = await create({ name: "leaver", role: "viewer" });
      assert.equal((await call(revoked.token, "GET", "/api/v1/services")).status, 200);
      const revoke = await call(admin, "DELETE", `/api/v1/tokens/${revoked.id}`);
      assert.equal(revoke.status, 200);
      assert.equal(revoke.body.revoked, true);
      const after = await call(revoked.token, "GET", "/api/v1/services");
      assert.equal(after.status, 401);
      assert.equal(after.body.error!.code, "unauthorized");
      const again = await call(admin, "DELETE", `/api/v1/tokens/${revoked.id}`);
      assert.equal(again.status, 200);
      assert.equal(again.body.revoked, false, "revoking twice is a no-op");

      const expiring = await create({ name: "temp", role: "viewer", expires: "1h" });
      assert.equal(expiring.expiresAt, h.clock.now() + 3_600_000);
      assert.equal((await call(expiring.token, "GET", "/api/v1/services")).status, 200);
      h.clock.advance(3_600_000);
      assert.equal((await call(expiring.token, "GET", "/api/v1/services")).status, 401, "expired at exactly its expiry time");
      const listed = ((await call(admin, "GET", "/api/v1/tokens")).body.tokens as TokenInfo[]).find((t) => t.id === expiring.id)!;
      assert.equal(listed.state, "expired");
      assert.equal((await call(admin, "DELETE", "/api/v1/tokens/01JZZZZZZZZZZZZZZZZZZZZZZZ")).status, 404);
    });

    test("token list: no secrets; last-used recorded; --unused for access reviews", async () => {
      const used = await create({ name: "busy", role: "viewer" });
      const idle = await create({ name: "idle", role: "deployer", service: "svc-a", grants: ["emergency"] });
      assert.deepEqual(idle.grants, ["emergency"]);
      h.clock.advance(40 * DAY);
      assert.equal((await call(used.token, "GET", "/api/v1/status")).status, 200);
      const list = await call(admin, "GET", "/api/v1/tokens");
      assert.equal(list.status, 200);
      const tokens = list.body.tokens as (TokenInfo & Record<string, unknown>)[];
      for (const t of tokens) {
        assert.equal(t.token, undefined);
        assert.equal(t.token_hash, undefined);
        assert.deepEqual(Object.keys(t).sort(), ["createdAt", "expiresAt", "grants", "id", "lastUsedAt", "name", "revokedAt", "role", "scope", "state"]);
      }
      assert.equal(tokens.find((t) => t.id === used.id)!.lastUsedAt, h.clock.now());
      assert.deepEqual(tokens.find((t) => t.id === idle.id)!.scope, { service: "svc-a", environment: null });
      const unused = (await call(admin, "GET", "/api/v1/tokens?unused=30d")).body.tokens as TokenInfo[];
      const names = unused.map((t) => t.name);
      assert.ok(names.includes("idle"), names.join());
      assert.ok(!names.includes("busy"), "used today");
      assert.ok(!names.includes("leaver"), "revoked tokens are not up for review");
      assert.equal((await call(admin, "GET", "/api/v1/tokens?unused=soon")).status, 400);
    });

    test("bad token requests are 400 with the field named", async () => {
      const bad = await call(admin, "POST", "/api/v1/tokens", { name: "x", role: "owner" });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error!.message, /body\.role/);
      assert.equal((await call(admin, "POST", "/api/v1/tokens", { name: "x", role: "viewer", grants: ["god-mode"] })).status, 400);
      assert.equal((await call(admin, "POST", "/api/v1/tokens", { name: "x", role: "viewer", expires: "0d" })).status, 400);
      assert.equal((await call(admin, "POST", "/api/v1/tokens", { name: "x", role: "viewer", token: "chosen" })).status, 400, "unknown keys are refused");
    });

    test("the last unscoped admin token cannot be revoked", async () => {
      const rows = (await call(admin, "GET", "/api/v1/tokens")).body.tokens as TokenInfo[];
      const root = rows.find((t) => t.name === "root")!;
      const refused = await call(admin, "DELETE", `/api/v1/tokens/${root.id}`);
      assert.equal(refused.status, 409);
      assert.match(refused.body.error!.message, /last active admin token/);
      const second = await create({ name: "root-2", role: "admin" });
      assert.equal((await call(second.token, "DELETE", `/api/v1/tokens/${root.id}`)).status, 200);
      assert.equal((await call(admin, "GET", "/api/v1/tokens")).status, 401);
      admin = second.token;
    });

    test("every token change is an audit event, without the secret", async () => {
      const events = await listAuditEvents(h.store.db, { limit: 1000 });
      const created = events.filter((e) => e.action === "token.created");
      const revoked = events.filter((e) => e.action === "token.revoked");
      assert.ok(created.length >= 8, `${created.length} token.created events`);
      assert.equal(revoked.length, 2, "leaver and root (the repeated revoke is not an event)");
      const withScope = created.find((e) => (e.payload as { name: string }).name === "ci-a")!;
      assert.equal(withScope.actor, "root");
      assert.equal(withScope.subject.startsWith("token/"), true);
      assert.deepEqual((withScope.payload as { scope: unknown }).scope, { service: "svc-a", environment: null });
      for (const e of [...created, ...revoked]) {
        assert.deepEqual(Object.keys(e.payload as object).sort(), ["expiresAt", "grants", "id", "name", "role", "scope"]);
      }
    });

    test("no secret appears in any text column of any table, nor in the server log", async () => {
      assert.ok(secrets.length >= 9);
      // Exercise failures too: a 403, and a 401 with a revoked token, and a 404, so their logging is covered.
      await call(secrets[1], "GET", "/api/v1/tokens");
      await call(secrets[0], "GET", "/api/v1/services");
      await call(admin, "GET", "/api/v1/deployments/01JZZZZZZZZZZZZZZZZZZZZZZZ");
      const values = await dumpTextValues(h.store);
      assert.ok(values.some((v) => v.where === "tokens.token_hash"), "the dump reads the tokens table");
      assert.ok(values.some((v) => v.where.startsWith("audit_events.")), "the dump reads the audit log");
      const leaks: string[] = [];
      for (const secret of secrets) {
        const body = secret.slice(4); // without the slw_ prefix too
        for (const v of values) if (v.value.includes(body)) leaks.push(`${v.where} holds a token secret`);
        if (h.logs.some((line) => line.includes(body))) leaks.push("the server log holds a token secret");
      }
      assert.deepEqual(leaks, []);
      assert.ok(h.logs.some((l) => l.includes('"access refused"') && l.includes('"token":"ci-a"')), "refusals are logged, naming the token");
      assert.ok(h.logs.some((l) => l.includes('"authenticated"')), "authentications are logged (debug)");
    });
  });
}
