import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { ManualClock } from "../core/index.js";
import { httpProbe, tcpProbe, waitUntil } from "./probes.js";
import type { ProbeResult } from "./types.js";

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("httpProbe against a real server", () => {
  let server: http.Server;
  let base: string;
  let readyAfter = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/healthz") return res.end("status: ok");
      if (req.url === "/unavailable") return res.writeHead(503).end("draining");
      if (req.url === "/hang") return; // accepts and never answers
      if (req.url === "/eventually") {
        readyAfter -= 1;
        return readyAfter > 0 ? res.writeHead(503).end() : res.end("ok");
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test("passes on the expected status and body", async () => {
    const r = await httpProbe({ url: `${base}/healthz`, expectBody: "ok", timeoutMs: 5_000 });
    assert.equal(r.ok, true, r.detail);
    assert.match(r.check, /^http GET 127\.0\.0\.1:\d+\/healthz$/);
    assert.match(r.detail, /^HTTP 200 in /);
    assert.ok(r.latencyMs >= 0);
  });

  test("fails on another status, saying what it expected", async () => {
    const r = await httpProbe({ url: `${base}/unavailable`, timeoutMs: 5_000 });
    assert.equal(r.ok, false);
    assert.equal(r.detail, "HTTP 503 (expected 200)");
    const expected = await httpProbe({ url: `${base}/unavailable`, expectStatus: 503, timeoutMs: 5_000 });
    assert.equal(expected.ok, true);
  });

  test("fails when the body lacks the expected text", async () => {
    const r = await httpProbe({ url: `${base}/healthz`, expectBody: "healthy", timeoutMs: 5_000 });
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'body did not contain "healthy"');
  });

  test("fails when slower than max latency (a ceiling no real request can meet)", async () => {
    const r = await httpProbe({ url: `${base}/healthz`, maxLatencyMs: 0, timeoutMs: 5_000 });
    assert.equal(r.ok, false);
    assert.match(r.detail, /^HTTP 200 in .* \(max 0ms\)$/);
  });

  test("times out on a server that never answers", async () => {
    const r = await httpProbe({ url: `${base}/hang`, timeoutMs: 200 });
    assert.equal(r.ok, false);
    assert.equal(r.detail, "timed out after 200ms");
  });

  test("reports a refused connection", async () => {
    const r = await httpProbe({ url: `http://127.0.0.1:${await freePort()}/healthz`, timeoutMs: 5_000 });
    assert.equal(r.ok, false);
    assert.equal(r.detail, "connection refused");
  });

  test("waitUntil with short real intervals returns the first passing result", async () => {
    readyAfter = 3;
    let tries = 0;
    const r = await waitUntil(
      () => {
        tries += 1;
        return httpProbe({ url: `${base}/eventually`, timeoutMs: 5_000 });
      },
      { intervalMs: 5, timeoutMs: 60_000 },
    );
    assert.equal(r.ok, true, r.detail);
    assert.equal(tries, 3);
  });
});

describe("tcpProbe", () => {
  test("connects to a listening port and reports a refused one", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const ok = await tcpProbe({ host: "127.0.0.1", port, timeoutMs: 5_000 });
      assert.equal(ok.ok, true, ok.detail);
      assert.equal(ok.check, `tcp 127.0.0.1:${port}`);
    } finally {
      server.close();
    }
    const refused = await tcpProbe({ host: "127.0.0.1", port: await freePort(), timeoutMs: 5_000 });
    assert.equal(refused.ok, false);
    assert.equal(refused.detail, "connection refused");
  });
});

describe("waitUntil on a manual clock", () => {
  const failing = (detail: string): ProbeResult => ({ ok: false, check: "fake", latencyMs: 0, detail });

  /** Moves the clock forward whenever the loop is asleep, until `promise` settles. */
  async function drive<T>(clock: ManualClock, stepMs: number, promise: Promise<T>): Promise<T> {
    let settled = false;
    void promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(stepMs);
    }
    return promise;
  }

  test("gives up after the timeout with the last detail", async () => {
    const clock = new ManualClock();
    let tries = 0;
    const check = async () => failing(`HTTP 503 (expected 200), try ${++tries}`);
    const r = await drive(clock, 1_000, waitUntil(check, { intervalMs: 1_000, timeoutMs: 30_000, clock }));
    assert.equal(r.ok, false);
    assert.equal(r.detail, `not ready after 30s: HTTP 503 (expected 200), try ${tries}`);
    assert.equal(tries, 31); // at 0 s, every second, and the last try at 30 s
  });

  test("returns as soon as the check passes", async () => {
    const clock = new ManualClock();
    let tries = 0;
    const check = async (): Promise<ProbeResult> =>
      ++tries < 4 ? failing("connection refused") : { ok: true, check: "fake", latencyMs: 1, detail: "HTTP 200" };
    const r = await drive(clock, 250, waitUntil(check, { intervalMs: 250, timeoutMs: 30_000, clock }));
    assert.equal(r.ok, true);
    assert.equal(tries, 4);
  });

  test("an abort while waiting rejects with the signal's reason", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let tries = 0;
    const check = async () => {
      if (++tries === 2) controller.abort(new Error("deployment cancelled"));
      return failing("connection refused");
    };
    const waiting = waitUntil(check, { intervalMs: 1_000, timeoutMs: 30_000, clock, signal: controller.signal });
    await assert.rejects(drive(clock, 1_000, waiting), /deployment cancelled/);
    assert.equal(tries, 2);
  });

  test("an abort during a sleep the clock never ends still rejects", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const waiting = waitUntil(async () => failing("refused"), { intervalMs: 1_000, timeoutMs: 30_000, clock, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error("stop"));
    await assert.rejects(waiting, /stop/);
  });
});
