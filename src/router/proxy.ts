/**
 * The data plane's request handler: picks a version and target, forwards the request with
 * node:http over keep-alive agents, and retries on another target when a connection fails
 * before any response byte, so replacing a replica costs users nothing.
 *
 * It is the hot path, so it is written to allocate little (profiled with `npm run bench:router
 * -- --profile DIR`): headers are copied from the raw header arrays in one pass (the parsed
 * header objects are never built), a request without a body skips buffering, the fallback list
 * is built only after a failure, and the answer is piped by hand (stream.pipeline's abort
 * signals cost more than the proxying itself). Nothing is logged unless something failed.
 */
import { request } from "node:http";
import type { Agent, ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import { chooseBackend, fallbacks, nextTarget } from "./balance.js";
import type { Candidate, Cursors } from "./balance.js";
import { sendJson } from "./http-util.js";
import type { RouterLogger } from "./logger.js";
import { statusClassOf } from "./stats.js";
import type { RouteStats, StatusClass } from "./stats.js";
import type { Route } from "./types.js";

/** Request bodies up to this size are buffered so the request can be replayed on another target. */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

/** Errors that mean no connection was made: nothing reached the backend, any request may be retried. */
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ECONNABORTED"]);
/** Methods that may be resent after the backend may have seen them (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** What the handler needs to know about the route it serves; `current()` is read per request. */
export interface ProxyRoute {
  key: string;
  current(): Route;
  cursors: Cursors;
  stats: RouteStats;
  /** True while the listener shuts down: responses then ask clients to close the connection. */
  closing(): boolean;
}

/** Shared per router: a pooled keep-alive agent, and a non-pooled one for streamed bodies. */
export interface ProxyDeps {
  pooled: Agent;
  fresh: Agent;
  logger: RouterLogger;
}

interface Body {
  chunks: Buffer[];
  /** The whole body is in `chunks`: the request can be sent again. */
  complete: boolean;
  hasBody: boolean;
  length: number;
}

const NO_BODY: Body = { chunks: [], complete: true, hasBody: false, length: 0 };

type Outcome =
  | { kind: "answered"; status: StatusClass }
  | { kind: "failed"; error: Error; retryable: boolean }
  | { kind: "gone" };

/** A header's value from a raw header array, by lower-case name (the first one). */
function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** Every value of a header from a raw header array, joined as Node joins repeated headers. */
function rawHeaderAll(raw: readonly string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) out = out === undefined ? raw[i + 1] : `${out}, ${raw[i + 1]}`;
  }
  return out;
}

/** Reads up to `limit` bytes of the body; resolves early (stream paused) when the body is larger. */
function bufferBody(req: IncomingMessage, limit: number): Promise<Body> {
  const length = rawHeader(req.rawHeaders, "content-length");
  const hasBody = (length !== undefined && length !== "0") || rawHeader(req.rawHeaders, "transfer-encoding") !== undefined;
  if (!hasBody) return Promise.resolve(NO_BODY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (complete: boolean) => {
      req.off("data", onData).off("end", onEnd).off("close", onClose).off("error", onClose);
      if (!complete) req.pause();
      resolve({ chunks, complete, hasBody, length: size });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) done(false);
    };
    const onEnd = () => done(true);
    const onClose = () => reject(new Error("client closed the request before its body was read"));
    req.on("data", onData).on("end", onEnd).on("close", onClose).on("error", onClose);
  });
}

/** Names listed in a Connection header: hop-by-hop for this message too. */
function connectionNamed(raw: readonly string[]): string[] {
  const value = rawHeader(raw, "connection");
  if (value === undefined || value.toLowerCase() === "keep-alive" || value.toLowerCase() === "close") return [];
  return value.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** Copies raw headers without hop-by-hop ones (and without `skip`), as a flat [name, value, …] array. */
function endToEnd(raw: readonly string[], skip: ReadonlySet<string> | undefined): string[] {
  const named = connectionNamed(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || skip?.has(lower) || (named.length > 0 && named.includes(lower))) continue;
    out.push(name, raw[i + 1]!);
  }
  return out;
}

/** This hop answered any 100-continue (Node does) and holds the body; it sets x-forwarded-for and the length itself. */
const REQUEST_SKIP = new Set(["expect", "x-forwarded-for", "content-length"]);

function forwardHeaders(req: IncomingMessage, body: Body): string[] {
  const raw = req.rawHeaders;
  const h = endToEnd(raw, REQUEST_SKIP);
  const ip = req.socket.remoteAddress ?? "";
  const prior = rawHeaderAll(raw, "x-forwarded-for");
  h.push("x-forwarded-for", prior ? `${prior}, ${ip}` : ip);
  const host = rawHeader(raw, "host");
  if (host !== undefined && rawHeader(raw, "x-forwarded-host") === undefined) h.push("x-forwarded-host", host);
  if (rawHeader(raw, "x-forwarded-proto") === undefined) h.push("x-forwarded-proto", "http");
  const length = rawHeader(raw, "content-length");
  if (body.complete && body.hasBody) h.push("content-length", String(body.length));
  else if (!body.complete && length !== undefined) h.push("content-length", length);
  else if (!body.complete) h.push("transfer-encoding", "chunked");
  return h;
}

function splitTarget(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(":");
  return { host: target.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(target.slice(at + 1)) };
}

function isRetryable(error: NodeJS.ErrnoException, up: ClientRequest, method: string, body: Body, streamed: boolean): boolean {
  if (streamed) return false; // part of the client's body is gone: it cannot be sent again
  if (!body.complete) return true; // nothing beyond the buffer was read, the connection never opened
  if (CONNECT_ERRORS.has(error.code ?? "")) return true;
  // A reused keep-alive socket the backend closed as we wrote: the classic race, safe to resend.
  if (up.reusedSocket) return true;
  return IDEMPOTENT.has(method);
}

/** Sends the request to one candidate; resolves once the answer is fully relayed or the attempt failed. */
function attempt(route: ProxyRoute, deps: ProxyDeps, req: IncomingMessage, res: ServerResponse, body: Body, candidate: Candidate): Promise<Outcome> {
  // A client that left during an earlier attempt has no 'close' event left to tell us.
  if (res.destroyed) return Promise.resolve({ kind: "gone" });
  const method = req.method ?? "GET";
  const { host, port } = splitTarget(candidate.target);
  const up = request({ host, port, method, path: req.url, headers: forwardHeaders(req, body), agent: body.complete ? deps.pooled : deps.fresh });
  return new Promise<Outcome>((resolve) => {
    let upstream: IncomingMessage | undefined;
    let status = 502;
    let streamed = false;
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      res.off("close", onClientClose).off("finish", onFinish);
      resolve(o);
    };
    const onFinish = () => settle({ kind: "answered", status: statusClassOf(status) });
    const onClientClose = () => {
      if (res.writableFinished) return;
      if (upstream) {
        // The client left mid-answer: not a failure of the version; stop reading the backend.
        upstream.destroy();
        settle({ kind: "answered", status: statusClassOf(status) });
        return;
      }
      up.destroy();
      settle({ kind: "gone" });
    };
    res.on("close", onClientClose);
    up.on("error", (error: NodeJS.ErrnoException) => {
      if (upstream) return; // the answer's own error handler reports it
      settle({ kind: "failed", error, retryable: isRetryable(error, up, method, body, streamed) });
    });
    up.on("response", (upRes) => {
      upstream = upRes;
      status = upRes.statusCode ?? 502;
      const headers = endToEnd(upRes.rawHeaders, undefined);
      headers.push("x-slipway-version", candidate.version);
      if (route.closing()) headers.push("connection", "close");
      if (upRes.statusMessage) res.writeHead(status, upRes.statusMessage, headers);
      else res.writeHead(status, headers);
      res.on("finish", onFinish);
      // A backend that broke off mid-body failed the user: cut the client's answer short too.
      const broken = () => {
        if (res.writableFinished) return;
        res.destroy();
        settle({ kind: "answered", status: "error" });
      };
      upRes.on("error", broken).on("aborted", broken);
      upRes.pipe(res);
    });
    if (body.complete && body.chunks.length <= 1) up.end(body.chunks[0]);
    else {
      for (const chunk of body.chunks) up.write(chunk);
      if (body.complete) up.end();
    }
    if (body.complete) return;
    // Read more of the client's body only once a connection exists, so a refused connection
    // can still be retried elsewhere. Streamed bodies use a fresh socket: no stale-socket race.
    const stream = () => {
      streamed = true;
      req.pipe(up);
    };
    up.on("socket", (socket) => (socket.connecting ? socket.once("connect", stream) : stream()));
  });
}

async function handle(route: ProxyRoute, deps: ProxyDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const table = route.current();
  const chosen = chooseBackend(table);
  if (!chosen) {
    sendJson(res, 503, {
      error: {
        code: "unavailable",
        message: `route ${route.key} has no backend with weight > 0: nothing is switched on to serve it`,
        hint: "deploy a version to this environment, or give one of its versions weight",
      },
    }, route.closing());
    return;
  }
  let version = chosen.version;
  route.stats.enter(version);
  try {
    const body = await bufferBody(req, REPLAYABLE_BODY_BYTES);
    const first = nextTarget(chosen, route.cursors);
    let candidate: Candidate | undefined = first === undefined ? undefined : { version, target: first };
    let rest: Candidate[] | undefined;
    let reason = `version ${chosen.version} has no targets`;
    const tried: string[] = [];
    for (let i = 0; ; i++) {
      if (i > 0 || candidate === undefined) {
        rest ??= fallbacks(table, chosen, first, route.cursors);
        candidate = rest[i - (first === undefined ? 0 : 1)];
        if (candidate === undefined) break;
      }
      if (candidate.version !== version) {
        route.stats.leave(version);
        version = candidate.version;
        route.stats.enter(version);
      }
      const outcome = await attempt(route, deps, req, res, body, candidate);
      if (outcome.kind === "gone") return;
      if (outcome.kind === "answered") {
        route.stats.record(version, outcome.status, performance.now() - started);
        return;
      }
      tried.push(candidate.target);
      reason = `${candidate.target} (${candidate.version}): ${outcome.error.message}`;
      deps.logger.debug({ route: route.key, target: candidate.target, err: outcome.error.message, retry: outcome.retryable }, "target failed");
      if (!outcome.retryable) break;
    }
    route.stats.record(chosen.version, "error", performance.now() - started);
    deps.logger.warn({ route: route.key, version: chosen.version, tried, reason }, "no target could serve the request");
    sendJson(res, 502, {
      error: { code: "unavailable", message: `route ${route.key}: no backend could serve the request; last failure: ${reason}`, details: { route: route.key, tried } },
    }, route.closing());
  } finally {
    route.stats.leave(version);
  }
}

/** Creates the request handler of one route's listener. */
export function createProxyHandler(route: ProxyRoute, deps: ProxyDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(route, deps, req, res).catch((err: Error) => {
      // Only a client that left while its body was read lands here: nobody is left to answer.
      deps.logger.debug({ route: route.key, err: err.message }, "request abandoned");
      res.destroy();
    });
  };
}
