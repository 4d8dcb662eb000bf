import http from "node:http";
import https from "node:https";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { badInput, systemClock } from "../core/index.js";
import type { Clock } from "../core/index.js";
import { formatMs, formatWait } from "./format.js";
import type { ProbeResult } from "./types.js";

/** Probes only need to find a substring near the top of a health page; reading more wastes memory. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link httpProbe}. */
export interface HttpProbeOptions {
  url: string;
  expectStatus?: number;
  /** A substring the response body must contain. */
  expectBody?: string;
  /** A response slower than this fails the probe even when it is otherwise right. */
  maxLatencyMs?: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One HTTP GET against `url`, judged by status, body substring and latency. Never throws for
 * a failed check: the result says what went wrong ("HTTP 503 (expected 200)", "connection
 * refused", "timed out after 2s"). Each probe uses a fresh connection (no agent) so it
 * measures what a new client would meet, not a warm pooled socket.
 */
export async function httpProbe(options: HttpProbeOptions): Promise<ProbeResult> {
  const { expectStatus = 200, timeoutMs } = options;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw badInput(`"${options.url}" is not a URL`, { hint: "probe URLs look like http://127.0.0.1:4100/healthz" });
  }
  const check = `http GET ${url.host}${url.pathname}${url.search}`;
  const started = performance.now();
  const outcome = await httpGet(url, timeoutMs, options.signal);
  const latencyMs = performance.now() - started;
  const result = (ok: boolean, detail: string): ProbeResult => ({ ok, check, latencyMs, detail });

  if ("error" in outcome) return result(false, outcome.error);
  if (outcome.status !== expectStatus) return result(false, `HTTP ${outcome.status} (expected ${expectStatus})`);
  if (options.expectBody !== undefined && !outcome.body.includes(options.expectBody)) {
    return result(false, `body did not contain ${JSON.stringify(options.expectBody)}`);
  }
  if (options.maxLatencyMs !== undefined && latencyMs > options.maxLatencyMs) {
    return result(false, `HTTP ${outcome.status} in ${formatMs(latencyMs)} (max ${formatMs(options.maxLatencyMs)})`);
  }
  return result(true, `HTTP ${outcome.status} in ${formatMs(latencyMs)}`);
}

type GetOutcome = { status: number; body: string } | { error: string };

function httpGet(url: URL, timeoutMs: number, signal: AbortSignal | undefined): Promise<GetOutcome> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ error: "cancelled" });
    const client = url.protocol === "https:" ? https : http;
    let settled = false;
    const finish = (outcome: GetOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      req.destroy();
      resolve(outcome);
    };
    const req = client.get(url, { agent: false, headers: { "user-agent": "slipway-probe" } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (err) => finish({ error: describeNetError(err) }));
    });
    req.on("error", (err) => finish({ error: describeNetError(err) }));
    // One timer covers connect, headers and body: a server that accepts and then stalls is not ready.
    const timer = setTimeout(() => finish({ error: `timed out after ${formatWait(timeoutMs)}` }), timeoutMs);
    const onAbort = () => finish({ error: "cancelled" });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Options of {@link tcpProbe}. */
export interface TcpProbeOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Opens (and closes) one TCP connection. Never throws for a failed check. */
export function tcpProbe(options: TcpProbeOptions): Promise<ProbeResult> {
  const { host, port, timeoutMs, signal } = options;
  const check = `tcp ${host}:${port}`;
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve({ ok, check, latencyMs: performance.now() - started, detail });
    };
    const socket = net.connect({ host, port });
    socket.once("connect", () => finish(true, `connected in ${formatMs(performance.now() - started)}`));
    socket.once("error", (err) => finish(false, describeNetError(err)));
    const timer = setTimeout(() => finish(false, `timed out after ${formatWait(timeoutMs)}`), timeoutMs);
    const onAbort = () => finish(false, "cancelled");
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Turns socket errors into the words an operator would use. */
export function describeNetError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset by peer";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host not found (${code})`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `host unreachable (${code})`;
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/**
 * Runs `check` until it passes or `timeoutMs` has passed, pausing `intervalMs` between tries.
 * Resolves with the passing result, or with the last failing one reworded as
 * "not ready after 30s: <last detail>". Rejects with the signal's reason when aborted, because
 * a cancelled wait is the caller's decision, not the check's failure.
 */
export async function waitUntil(
  check: (signal?: AbortSignal) => Promise<ProbeResult>,
  options: WaitOptions,
): Promise<ProbeResult> {
  const { intervalMs, timeoutMs, signal } = options;
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const last = await check(signal);
    signal?.throwIfAborted();
    if (last.ok) return last;
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      return { ...last, ok: false, detail: `not ready after ${formatWait(timeoutMs)}: ${last.detail}` };
    }
    await abortableSleep(clock, Math.min(intervalMs, remaining), signal);
  }
}

/** Clock.sleep need not honour a signal (ManualClock does not), so the race is done here. */
function abortableSleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return clock.sleep(ms);
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    clock.sleep(ms, signal).then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
