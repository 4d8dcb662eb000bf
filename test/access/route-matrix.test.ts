/**
 * The role × route matrix: every route registered through route() (read from `routeDocs`, so a
 * new route is covered without touching this file) is called with no token and with a viewer,
 * deployer, approver and admin token, on both databases:
 * - no token → 401 (public routes: neither 401 nor 403);
 * - a role below the route's → 403, and the body names the role the route needs;
 * - a role at or above it → neither 401 nor 403 (the input is deliberately junk, so 400/404
 *   are expected: what matters is that authorisation let it through);
 * - a token of the route's role scoped to another service: refused (403 naming its scope) on
 *   routes that name a service in the path or act on every service and change something;
 *   let through on reads across services; never a 5xx.
 * Every route must have a row in ROUTE_TABLE (route-table.ts): a new route without one fails.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ROLES, type Role } from "../../src/api/index.js";
import { routeDocs, type RouteDoc } from "../../src/api/route-kit.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { startHarness, type AccessHarness } from "./harness.js";
import { ROUTE_TABLE } from "./route-table.js";

const RANK: Record<Role, number> = { viewer: 0, deployer: 1, approver: 2, admin: 3 };

/** A concrete URL for a documented path: ids that exist nowhere, names that are valid. */
function concretePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === "id" ? "01JZZZZZZZZZZZZZZZZZZZZZZZ" : name === "version" ? "9.9.9" : "matrix-svc"));
}

/** The routes this app has (routeDocs is module-wide: dedupe, and keep those this app registered). */
function routesOf(h: AccessHarness): RouteDoc[] {
  const seen = new Map<string, RouteDoc>();
  for (const doc of routeDocs) {
    const url = doc.path.replace(/\{(\w+)\}/g, ":$1");
    if (h.app.hasRoute({ method: doc.method, url })) seen.set(`${doc.method} ${doc.path}`, doc);
  }
  return [...seen.values()];
}

for (const dialect of TEST_DIALECTS) {
  describe(`role × route matrix (${dialect})`, () => {
    let h: AccessHarness;
    const tokens = {} as Record<Role, string>;

    before(async () => {
      h = await startHarness(dialect);
      for (const role of ROLES) tokens[role] = await h.token(`matrix-${role}`, role);
    });
    after(() => h?.close());

    const call = (doc: RouteDoc, token: string | undefined) =>
      h.app.inject({
        method: doc.method,
        url: concretePath(doc.path),
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(doc.method === "GET" || doc.method === "DELETE" ? {} : { "content-type": "application/json" }) },
        ...(doc.method === "GET" || doc.method === "DELETE" ? {} : { payload: "{}" }),
      });

    test("covers every registered route, token routes included", () => {
      const routes = routesOf(h);
      const keys = routes.map((r) => `${r.method} ${r.path}`);
      const musts = [
        ...["POST /api/v1/tokens", "GET /api/v1/tokens", "DELETE /api/v1/tokens/{id}", "POST /api/v1/deployments", "GET /api/v1/deployments/{id}"],
        // The supply chain: keys, attachments, verification, pipeline runs, CI webhooks, trace.
        ...["POST /api/v1/keys", "GET /api/v1/keys", "POST /api/v1/keys/{name}/revoke", "POST /api/v1/artifacts/by-digest/{digest}/signatures", "POST /api/v1/artifacts/by-digest/{digest}/provenance"],
        ...["POST /api/v1/artifacts/by-digest/{digest}/sbom", "POST /api/v1/artifacts/by-digest/{digest}/scans", "GET /api/v1/artifacts/by-digest/{digest}/verify", "POST /api/v1/pipeline-runs", "PUT /api/v1/pipeline-runs/{id}/log"],
        ...["POST /api/v1/webhooks/github", "POST /api/v1/webhooks/gitlab", "POST /api/v1/webhook-sources", "GET /api/v1/trace"],
        // Notifications and the Prometheus scrape.
        ...["GET /api/v1/notifications", "GET /api/v1/notifications/failed", "POST /api/v1/notifications/{id}/retry", "GET /metrics"],
        // Delivery insights and incidents.
        ...["GET /api/v1/metrics/dora", "GET /api/v1/metrics/dora/series", "GET /api/v1/metrics/kpis", "POST /api/v1/artifacts/{service}/{version}/commits", "POST /api/v1/incidents", "GET /api/v1/incidents", "GET /api/v1/incidents/{id}"],
        ...["POST /api/v1/incidents/{id}/resolve", "POST /api/v1/incidents/{id}/links", "GET /api/v1/incidents/{id}/timeline", "POST /api/v1/incident-sources", "GET /api/v1/incident-sources"],
        ...["DELETE /api/v1/incident-sources/{provider}/{name}", "POST /api/v1/webhooks/pagerduty/{name}", "POST /api/v1/webhooks/opsgenie/{name}"],
      ];
      for (const must of musts) assert.ok(keys.includes(must), `${must} missing from ${keys.join(", ")}`);
      assert.ok(routes.length >= 15, `only ${routes.length} routes found`);
    });

    test("every route × {none, viewer, deployer, approver, admin}", async () => {
      const failures: string[] = [];
      const table: string[] = [];
      for (const doc of routesOf(h)) {
        const route = `${doc.method} ${doc.path} [${doc.access}]`;
        const row: string[] = [];
        const anonymous = await call(doc, undefined);
        row.push(`none=${anonymous.statusCode}`);
        if (doc.access === "public") {
          if (anonymous.statusCode === 401 || anonymous.statusCode === 403) failures.push(`${route}: no token → ${anonymous.statusCode}, expected it public`);
        } else if (anonymous.statusCode !== 401) {
          failures.push(`${route}: no token → ${anonymous.statusCode}, expected 401`);
        }
        for (const role of ROLES) {
          const answer = await call(doc, tokens[role]);
          row.push(`${role}=${answer.statusCode}`);
          const allowed = doc.access === "public" || RANK[role] >= RANK[doc.access];
          if (allowed) {
            if (answer.statusCode === 401 || answer.statusCode === 403) failures.push(`${route}: ${role} → ${answer.statusCode} ${answer.body.slice(0, 300)}, expected to pass authorisation`);
            continue;
          }
          if (answer.statusCode !== 403) {
            failures.push(`${route}: ${role} → ${answer.statusCode}, expected 403`);
            continue;
          }
          const body = answer.json<{ error: { code: string; message: string } }>();
          if (body.error.code !== "forbidden") failures.push(`${route}: ${role} → code ${body.error.code}`);
          const expected = `token "matrix-${role}" (${role}) cannot `;
          if (!body.error.message.startsWith(expected) || !body.error.message.includes(`that needs the ${doc.access} role`)) {
            failures.push(`${route}: ${role} → 403 "${body.error.message}" does not name the missing role ${doc.access}`);
          }
        }
        table.push(`${route}: ${row.join(" ")}`);
      }
      assert.deepEqual(failures, [], `\n${failures.join("\n")}\n\nmatrix:\n${table.join("\n")}`);
    });

    test("every route has a row in the route table, with the role it really has", () => {
      const registered = routesOf(h).map((d) => `${d.method} ${d.path}`);
      const missing = registered.filter((k) => !(k in ROUTE_TABLE));
      const gone = Object.keys(ROUTE_TABLE).filter((k) => !registered.includes(k));
      assert.deepEqual(missing, [], `routes without a row in test/access/route-table.ts (add one: who may call it, what it acts on): ${missing.join(", ")}`);
      assert.deepEqual(gone, [], `rows in test/access/route-table.ts for routes that no longer exist: ${gone.join(", ")}`);
      const wrongRole = routesOf(h).filter((d) => ROUTE_TABLE[`${d.method} ${d.path}`]!.access !== d.access).map((d) => `${d.method} ${d.path}: ${d.access}`);
      assert.deepEqual(wrongRole, [], "roles differ from the route table");
    });

    test("every route × a token of its role scoped to another service", async () => {
      const failures: string[] = [];
      const scoped = {} as Record<Role, string>;
      for (const role of ROLES) scoped[role] = await h.token(`elsewhere-${role}`, role, { service: "elsewhere" });
      for (const doc of routesOf(h)) {
        if (doc.access === "public") continue;
        const row = ROUTE_TABLE[`${doc.method} ${doc.path}`];
        if (!row) continue;
        const answer = await call(doc, scoped[doc.access]);
        const route = `${doc.method} ${doc.path} [${doc.access}, ${row.scope}]`;
        if (answer.statusCode >= 500 || answer.statusCode === 401) failures.push(`${route}: → ${answer.statusCode} ${answer.body.slice(0, 200)}`);
        const refused = row.scope === "path" || row.scope === "unscoped" || (row.scope === "all" && doc.access !== "viewer");
        if (refused && answer.statusCode !== 403) failures.push(`${route}: → ${answer.statusCode}, expected 403 for a token scoped to another service`);
        if (refused && answer.statusCode === 403 && !answer.body.includes("limited to service elsewhere")) failures.push(`${route}: the 403 does not name the token's scope: ${answer.body.slice(0, 200)}`);
        if (!refused && row.scope === "all" && answer.statusCode === 403) failures.push(`${route}: → 403, expected a read across services to be let through (narrowed)`);
      }
      assert.deepEqual(failures, [], failures.join("\n"));
    });

    test("a malformed Authorization header and an unknown token are 401, never 403", async () => {
      for (const authorization of ["Basic abc", "Bearer", "Bearer slw_not-a-real-token"]) {
        const answer = await h.app.inject({ method: "GET", url: "/api/v1/services", headers: { authorization } });
        assert.equal(answer.statusCode, 401, authorization);
      }
    });
  });
}
