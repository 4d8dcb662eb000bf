import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import "../../src/api/auth.js";
import { installErrorHandler } from "../../src/api/errors.js";
import { registerTriageRoutes } from "../../src/api/routes/triage.js";
import { freshStore, TEST_DIALECTS } from "../../src/store/testing.js";

/** Auth is the server's global hook; here every request acts as an admin token. */
function asAdmin(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    request.principal = { tokenId: "t1", name: "tester", role: "admin", scope: { service: null, environment: null }, grants: [] };
  });
}

// Two runs of one failure (other timestamps, ids, durations) and one different failure.
const run1 = "2024-05-01T10:00:00.1234567Z ##[group]Run go test ./...\n2024-05-01T10:00:01.0000000Z ok  \tgithub.com/acme/api/auth\t0.011s\n2024-05-01T10:00:02.0000000Z --- FAIL: TestCheckout (0.03s)\n2024-05-01T10:00:02.1000000Z     checkout_test.go:42: order 7f3a9c1e: expected total 120 but got 118\n2024-05-01T10:00:02.2000000Z FAIL\tgithub.com/acme/api/checkout\t0.512s\n2024-05-01T10:00:02.3000000Z ##[error]Process completed with exit code 1.\n";
const run2 = run1.replaceAll("2024-05-01T10", "2024-05-03T17").replace("7f3a9c1e", "0b44d2aa").replace("0.03s", "0.05s").replace("0.512s", "0.733s");
const other = "$ docker build .\nStep 4/9 : RUN apt-get update\nE: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Could not resolve host: deb.debian.org\nThe command \"docker build .\" exited with 100.\n";

for (const dialect of TEST_DIALECTS) {
  test(`POST /api/v1/triage clusters reruns of one failure and confirm feeds few-shot (${dialect})`, async () => {
    const db = await freshStore(dialect);
    const app = Fastify();
    installErrorHandler(app);
    asAdmin(app);
    let now = Date.UTC(2026, 0, 6, 9);
    registerTriageRoutes(app, { store: db.store, now: () => now });
    try {
      const first = await app.inject({ method: "POST", url: "/api/v1/triage", payload: { log: run1, pipeline: "api-ci", run: "r1" } });
      assert.equal(first.statusCode, 200, first.body);
      const a = first.json();
      assert.equal(a.category, "test");
      assert.equal(a.failingStep, "Run go test ./...");
      assert.equal(a.cluster.isNew, true);
      now += 3_600_000;
      const b = (await app.inject({ method: "POST", url: "/api/v1/triage", payload: { log: run2, pipeline: "api-web", run: "r2" } })).json();
      assert.equal(b.cluster.id, a.cluster.id, "same failure, other timestamps and ids: one cluster");
      assert.equal(b.cluster.occurrences, 2);
      assert.equal(b.cluster.pipelines, 2);
      assert.equal(b.cluster.firstRun, "r1");
      const c = (await app.inject({ method: "POST", url: "/api/v1/triage", payload: { log: other, pipeline: "api-ci", run: "r3" } })).json();
      assert.notEqual(c.cluster.id, a.cluster.id, "a different failure: another cluster");
      assert.equal(c.category, "network");

      const line = a.topLine.line as number;
      const confirm = await app.inject({ method: "POST", url: "/api/v1/triage/confirm", payload: { run: "r1", lines: `${line}-${line}`, flaky: false } });
      assert.equal(confirm.statusCode, 201, confirm.body);
      assert.equal(confirm.json().example.pipeline, "api-ci");
      const again = (await app.inject({ method: "POST", url: "/api/v1/triage", payload: { log: run2, pipeline: "api-ci", run: "r4" } })).json();
      assert.equal(again.method, "examples");
    } finally {
      await app.close();
      await db.cleanup();
    }
  });
}

test("POST /api/v1/triage rejects a bad body with a clear 400", async () => {
  await withTriageApp(async (app) => {
    const res = await app.inject({ method: "POST", url: "/api/v1/triage", payload: { logs: "x" } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.message, /body/);
    const bad = await app.inject({ method: "POST", url: "/api/v1/triage/confirm", payload: { run: "r9", lines: "a-b" } });
    assert.equal(bad.statusCode, 400);
    const unknown = await app.inject({ method: "POST", url: "/api/v1/triage/confirm", payload: { run: "r9", lines: "3-4" } });
    assert.equal(unknown.statusCode, 404);
  });
});

/** Runs `fn` against the triage routes on a fresh SQLite store, acting as an admin. */
async function withTriageApp(fn: (app: FastifyInstance, db: Awaited<ReturnType<typeof freshStore>>) => Promise<void>): Promise<void> {
  const db = await freshStore("sqlite");
  const app = Fastify(); // default body limit: 1 MiB
  installErrorHandler(app);
  asAdmin(app);
  registerTriageRoutes(app, { store: db.store });
  try {
    await fn(app, db);
  } finally {
    await app.close();
    await db.cleanup();
  }
}

/** Streams `chunks` as a request body over real HTTP, never holding the whole log. */
async function postStream(url: string, chunks: () => Iterable<Buffer>, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = Readable.toWeb(Readable.from(chunks())) as ReadableStream<Uint8Array>;
  const res = await fetch(url, { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test("POST /api/v1/triage/log triages a log streamed as the raw body, far above the JSON body limit, plain or gzip", async () => {
  await withTriageApp(async (app) => {
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const filler = Buffer.from("2024-05-01T10:00:00.0000000Z compiling module 42 of 9000, nothing to see here\n".repeat(1000));
    const rounds = 160; // ~13 MB of filler before the failure
    const bigLog = function* () {
      for (let i = 0; i < rounds; i++) yield filler;
      yield Buffer.from(run1);
    };
    const plain = await postStream(`${base}/api/v1/triage/log?pipeline=stream-ci&run=s1`, bigLog, { "content-type": "text/plain" });
    assert.equal(plain.status, 200, JSON.stringify(plain.json));
    assert.equal(plain.json.category, "test");
    assert.equal(plain.json.failingStep, "Run go test ./...");
    assert.equal((plain.json.stats as { lines: number }).lines, rounds * 1000 + 6);
    const topLine = plain.json.topLine as { line: number; text: string };
    assert.ok(topLine.line > rounds * 1000, `the failure is at the end of the log, got line ${topLine.line}`);

    const zipped = await postStream(`${base}/api/v1/triage/log?pipeline=stream-ci&run=s2`, function* () { yield gzipSync(run2); }, { "content-type": "application/octet-stream", "content-encoding": "gzip" });
    assert.equal(zipped.status, 200, JSON.stringify(zipped.json));
    assert.equal((zipped.json.cluster as { id: string }).id, (plain.json.cluster as { id: string }).id, "the same failure, streamed gzip-encoded, joins the cluster");

    const corrupt = await postStream(`${base}/api/v1/triage/log`, function* () { yield Buffer.from("this is not gzip"); }, { "content-type": "text/plain", "content-encoding": "gzip" });
    assert.equal(corrupt.status, 400);
    assert.match(String((corrupt.json.error as { message: string }).message), /not valid gzip/);

    const asJson = await app.inject({ method: "POST", url: "/api/v1/triage/log", payload: { log: run1 } });
    assert.equal(asJson.statusCode, 400);
    assert.match(asJson.json().error.hint, /content-type: text\/plain/);
  });
});

test("POST /api/v1/triage/log refuses binary junk with a 400 that says what it looks like, and records nothing", async () => {
  await withTriageApp(async (app, db) => {
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const junk = function* () {
      for (let i = 0; i < 80; i++) yield randomBytes(64 * 1024); // 5 MiB
    };
    const res = await postStream(`${base}/api/v1/triage/log?pipeline=junk-ci&run=j1`, junk, { "content-type": "application/octet-stream" });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    const error = res.json.error as { code: string; message: string; hint: string };
    assert.equal(error.code, "bad_input");
    assert.match(error.message, /the log is not a text log: it looks like binary data/);
    assert.match(error.hint, /plain-text log/);

    const gzippedJunk = gzipSync(randomBytes(3 * 1024 * 1024));
    const encodedJunk = await postStream(`${base}/api/v1/triage/log`, function* () { for (let i = 0; i < gzippedJunk.length; i += 65536) yield gzippedJunk.subarray(i, i + 65536); }, { "content-type": "text/plain", "content-encoding": "gzip" });
    assert.equal(encodedJunk.status, 400, JSON.stringify(encodedJunk.json));
    assert.match(String((encodedJunk.json.error as { message: string }).message), /not a text log/);
    const corrupt = await postStream(`${base}/api/v1/triage/log`, function* () { for (let i = 0; i < 40; i++) yield randomBytes(64 * 1024); }, { "content-type": "text/plain", "content-encoding": "gzip" });
    assert.equal(corrupt.status, 400, JSON.stringify(corrupt.json));
    assert.match(String((corrupt.json.error as { message: string }).message), /not valid gzip/);

    const zipped = await app.inject({ method: "POST", url: "/api/v1/triage", payload: { log: gzipSync(run1).toString("latin1"), pipeline: "junk-ci", run: "j2" } });
    assert.equal(zipped.statusCode, 400, zipped.body);

    const clusters = await db.store.db.selectFrom("triage_clusters").select("id").execute();
    assert.deepEqual(clusters, [], "a refused log leaves no cluster behind");
    // The server is still answering, and a real log after the junk is triaged as usual.
    const after = await postStream(`${base}/api/v1/triage/log?pipeline=junk-ci&run=j3`, function* () { yield Buffer.from(run1); }, { "content-type": "text/plain" });
    assert.equal(after.status, 200, JSON.stringify(after.json));
    assert.equal(after.json.category, "test");
  });
});
