/**
 * Every error has the documented shape `{ error: { code, message, hint } }`, the framework's
 * own included (unknown route, 413, 414, 415, malformed JSON); messages carry no server paths;
 * security headers are on every response; a token past its rate hears 429 with Retry-After;
 * absurd durations and YAML alias bombs are clear 400s.
 */
import assert from "node:assert/strict";
import Fastify from "fastify";
import { after, before, describe, test } from "node:test";
import { installSecurityHeaders, HTML_CSP } from "../../src/api/headers.js";
import { startHarness, type AccessHarness } from "../access/harness.js";

interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

function assertShape(answer: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: string, message: RegExp): void {
  assert.equal(answer.statusCode, status, answer.body);
  const body = JSON.parse(answer.body) as ErrorBody;
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, code);
  assert.match(body.error.message, message);
  assert.ok(body.error.hint && body.error.hint.length > 0, `no hint: ${answer.body}`);
  assert.equal(answer.headers["x-content-type-options"], "nosniff");
}

const ALIAS_BOMB = `service: bomb
owner: x
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;

describe("error shapes, headers and limits", () => {
  let h: AccessHarness;
  let admin: string;
  before(async () => {
    h = await startHarness("sqlite", { limits: { configBodyBytes: 64 * 1024, ratePerSecond: 1, rateBurst: 30 } });
    admin = await h.token("admin", "admin");
  });
  after(() => h?.close());
  const auth = () => ({ authorization: `Bearer ${admin}` });

  test("the framework's own errors use the documented shape", async () => {
    assertShape(await h.app.inject({ method: "GET", url: "/api/v1/nowhere", headers: auth() }), 404, "not_found", /no route GET \/api\/v1\/nowhere/);
    const big = JSON.stringify({ yaml: "x".repeat(100 * 1024) });
    assertShape(await h.app.inject({ method: "POST", url: "/api/v1/lint", headers: { ...auth(), "content-type": "application/json" }, payload: big }), 413, "too_large", /larger than this route accepts \(64 KiB\)/);
    assertShape(await h.app.inject({ method: "GET", url: `/api/v1/services?x=${"a".repeat(9000)}`, headers: auth() }), 414, "bad_input", /URL is \d+ characters long/);
    assertShape(await h.app.inject({ method: "POST", url: "/api/v1/lint", headers: { ...auth(), "content-type": "application/xml" }, payload: "<a/>" }), 415, "bad_input", /unsupported media type/i);
    assertShape(await h.app.inject({ method: "POST", url: "/api/v1/lint", headers: { ...auth(), "content-type": "application/json" }, payload: "{not json" }), 400, "bad_input", /json/i);
  });

  test("a YAML alias bomb is a clear 400 naming the aliases, not a 500", async () => {
    const apply = await h.app.inject({ method: "POST", url: "/api/v1/services", headers: auth(), payload: { yaml: ALIAS_BOMB } });
    assertShape(apply, 400, "bad_input", /has 1 error/);
    assert.match(apply.body, /aliases \(\*name\) in this file expand to more than 100 copies/);
    const lint = await h.app.inject({ method: "POST", url: "/api/v1/lint", headers: auth(), payload: { yaml: ALIAS_BOMB } });
    assert.equal(lint.statusCode, 200);
    assert.equal((JSON.parse(lint.body) as { ok: boolean }).ok, false);
  });

  test("absurd durations are clear 400s; a token's expiry always fits a date", async () => {
    for (const expires of ["999999y", "-5d", "NaN", "99999999999999999999d", "3651d", "1e9d"]) {
      const answer = await h.app.inject({ method: "POST", url: "/api/v1/tokens", headers: auth(), payload: { name: "absurd", role: "viewer", expires } });
      assertShape(answer, 400, "bad_input", /expires/);
    }
    const ok = await h.app.inject({ method: "POST", url: "/api/v1/tokens", headers: auth(), payload: { name: "long", role: "viewer", expires: "3650d" } });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.headers["cache-control"], "no-store", "a response carrying a token is never cached");
    const listed = await h.app.inject({ method: "GET", url: "/api/v1/tokens", headers: auth() });
    assert.equal(listed.statusCode, 200, listed.body);
  });

  test("messages never carry the server's data directory", async () => {
    const answer = await h.app.inject({ method: "GET", url: `/api/v1/services/x${encodeURIComponent(h.dataDir)}`, headers: auth() });
    assert.ok(answer.statusCode < 500, answer.body);
    assert.doesNotMatch(answer.body, new RegExp(h.dataDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  });

  test("a token past its rate hears 429 with Retry-After; another token does not", async () => {
    const busy = await h.token("busy", "viewer");
    const other = await h.token("other", "viewer");
    let limited: { statusCode: number; body: string; headers: Record<string, unknown> } | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const answer = await h.app.inject({ method: "GET", url: "/api/v1/services", headers: { authorization: `Bearer ${busy}` } });
      if (answer.statusCode === 429) limited = answer;
    }
    assert.ok(limited, "60 requests at once never met the limit of a 30-request burst");
    assertShape(limited, 429, "rate_limited", /token "busy" sent more than 1 requests a second/);
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
    const fine = await h.app.inject({ method: "GET", url: "/api/v1/services", headers: { authorization: `Bearer ${other}` } });
    assert.equal(fine.statusCode, 200);
    const health = await h.app.inject({ method: "GET", url: "/healthz" });
    assert.equal(health.statusCode, 200);
  });
});

test("HTML responses get a strict Content-Security-Policy", async () => {
  const app = Fastify();
  installSecurityHeaders(app);
  app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send("<!doctype html><p>hi</p>"));
  app.get("/data", async () => ({ ok: true }));
  const page = await app.inject({ method: "GET", url: "/" });
  assert.equal(page.headers["content-security-policy"], HTML_CSP);
  assert.match(HTML_CSP, /default-src 'self'/);
  assert.doesNotMatch(HTML_CSP, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers["x-content-type-options"], "nosniff");
  const data = await app.inject({ method: "GET", url: "/data" });
  assert.equal(data.headers["content-security-policy"], undefined);
  await app.close();
});
