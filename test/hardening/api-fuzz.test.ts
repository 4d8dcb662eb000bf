/**
 * Property-based fuzzing of the API's request schemas (fast-check): generated bodies and query
 * strings sent to every real route of a real API (buildApi over SQLite, admin token). No input
 * may answer 5xx; each answer has the documented error shape when it is an error. Thousands
 * of requests, bounded in time. Inputs that once failed are kept as regression cases.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { z } from "zod";
import { routeDocs, type RouteDoc } from "../../src/api/route-kit.js";
import { startHarness, type AccessHarness } from "../access/harness.js";

let h: AccessHarness;
let admin: string;
before(async () => {
  h = await startHarness("sqlite", { limits: { ratePerSecond: 1_000_000, rateBurst: 1_000_000 } });
  admin = await h.token("fuzz-admin", "admin");
});
after(() => h?.close());

/** Routes to fuzz: every registered one except those that stream or need a live deployment. */
function routes(): RouteDoc[] {
  const seen = new Map<string, RouteDoc>();
  for (const d of routeDocs) {
    if (d.path.endsWith("/events")) continue; // an SSE stream stays open by design
    if (h.app.hasRoute({ method: d.method, url: d.path.replace(/\{(\w+)\}/g, ":$1") })) seen.set(`${d.method} ${d.path}`, d);
  }
  return [...seen.values()];
}

/** The keys a zod object schema names (so generated bodies use them as well as junk keys). */
function keysOf(schema: z.ZodType | undefined): string[] {
  const def = (schema as unknown as { _zod?: { def?: { shape?: Record<string, unknown>; in?: z.ZodType } } } | undefined)?._zod?.def;
  if (def?.shape) return Object.keys(def.shape);
  return def?.in ? keysOf(def.in) : [];
}

const json = fc.jsonValue({ maxDepth: 3 });
const value = fc.oneof(json, fc.string({ maxLength: 40 }), fc.constantFrom("hello", "dev", "prod", "1.0.0", "30d", "-1", "NaN", "999999y", "../../etc/passwd", "sha256:" + "0".repeat(64), "a".repeat(300)));
const segment = fc.oneof(fc.constantFrom("hello", "1.0.0", "01JZZZZZZZZZZZZZZZZZZZZZZZ", "sha256:" + "a".repeat(64), "..", "%2e%2e", "x".repeat(300)), fc.string({ minLength: 1, maxLength: 20 }));

function bodyFor(doc: RouteDoc): fc.Arbitrary<unknown> {
  const keys = keysOf(doc.body);
  const shaped = keys.length > 0 ? fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value, { maxKeys: keys.length + 2 }) : json;
  return fc.oneof(shaped, json);
}

async function send(doc: RouteDoc, params: string[], body: unknown, query: Record<string, string>): Promise<void> {
  let i = 0;
  const path = doc.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(params[i++ % params.length] ?? "x"));
  const qs = new URLSearchParams(query).toString();
  const hasBody = doc.method === "POST" || doc.method === "PUT";
  const raw = doc.rawBody !== undefined || (doc.method === "PUT" && doc.path.startsWith("/api/v1/artifacts/"));
  const answer = await h.app.inject({
    method: doc.method,
    url: `${path}${qs ? `?${qs}` : ""}`,
    headers: { authorization: `Bearer ${admin}`, ...(hasBody ? { "content-type": raw ? (doc.rawBody ?? "application/gzip") : "application/json" } : {}) },
    ...(hasBody ? { payload: raw ? Buffer.from(JSON.stringify(body) ?? "") : JSON.stringify(body ?? null) } : {}),
  });
  assert.ok(answer.statusCode < 500, `${doc.method} ${path}${qs ? `?${qs}` : ""} with ${JSON.stringify(body)?.slice(0, 300)} → ${answer.statusCode} ${answer.body.slice(0, 300)}`);
  if (answer.statusCode >= 400) {
    const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    assert.equal(typeof parsed.error?.code, "string", answer.body);
    assert.equal(typeof parsed.error?.message, "string", answer.body);
  }
}

/** Requests that once answered 5xx. */
const REGRESSIONS: { method: string; path: string; body: unknown; params?: string[] }[] = [
  // fast-check, seed 296778305: a 300-character id got Fastify's own 414 body, not the documented shape
  { method: "GET", path: "/api/v1/pipeline-runs/{id}/log", body: undefined, params: ["x".repeat(300)] },
  { method: "POST", path: "/api/v1/lint", body: { yaml: "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n" } },
  { method: "POST", path: "/api/v1/tokens", body: { name: "x", role: "viewer", expires: "99999999999999999999d" } },
];

test("kept regression requests answer below 500", async () => {
  for (const r of REGRESSIONS) {
    const doc = routes().find((d) => d.method === r.method && d.path === r.path)!;
    await send(doc, r.params ?? [], r.body, {});
  }
});

test("generated bodies, path segments and queries to every route never answer 5xx", { timeout: 120_000 }, async () => {
  const all = routes();
  assert.ok(all.length > 30, `only ${all.length} routes`);
  const request = fc.record({
    route: fc.constantFrom(...all),
    params: fc.array(segment, { minLength: 1, maxLength: 3 }),
    query: fc.dictionary(fc.constantFrom("service", "env", "environment", "limit", "since", "before", "state", "commit", "x"), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    seed: fc.nat(),
  });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const body = fc.sample(bodyFor(r.route), { seed: r.seed, numRuns: 1 })[0];
      await send(r.route, r.params, body, r.query);
    }),
    { numRuns: 3000, interruptAfterTimeLimit: 20_000 },
  );
});
