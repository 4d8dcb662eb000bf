/**
 * The data plane's request handler: picks a version and target, forwards the request with
 * node:http over keep-alive agents, and retries on another target when a connection fails
 * before any response byte, so replacing a replica costs users nothing.
 */
import { request } from "node:http";
import type { Agent, ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { planCandidates } from "./balance.js";
import type { Candidate, Cursors } from "./balance.js";
import { sendJson, stripHopByHop } from "./http-util.js";
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
}

type Outcome =
  | { kind: "answered"; status: StatusClass }
  | { kind: "failed"; error: Error; retryable: boolean }
  | { kind: "gone" };

/** Reads up to `limit` bytes of the body; resolves early (stream paused) when the body is larger. */
function bufferBody(req: IncomingMessage, limit: number): Promise<Body> {
  const hasBody = (req.headers["content-length"] ?? "0") !== "0" || req.headers["transfer-encoding"] !== undefined;
  if (!hasBody) return Promise.resolve({ chunks: [], complete: true, hasBody });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (complete: boolean) => {
      req.off("data", onData).off("end", onEnd).off("close", onClose).off("error", onClose);
      if (!complete) req.pause();
      resolve({ chunks, complete, hasBody });
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

function forwardHeaders(req: IncomingMessage, body: Body): OutgoingHttpHeaders {
  const h = stripHopByHop(req.headers);
  // This hop already answered any 100-continue (Node does) and holds the body: don't ask again.
  delete h.expect;
  const ip = req.socket.remoteAddress ?? "";
  const prior = req.headers["x-forwarded-for"];
  h["x-forwarded-for"] = prior ? `${String(prior)}, ${ip}` : ip;
  if (req.headers.host && !req.headers["x-forwarded-host"]) h["x-forwarded-host"] = req.headers.host;
  h["x-forwarded-proto"] ??= "http";
  if (body.complete && body.hasBody) h["content-length"] = body.chunks.reduce((n, c) => n + c.length, 0);
  else if (!body.complete && h["content-length"] === undefined) h["transfer-encoding"] = "chunked";
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
  const up = request({
    ...splitTarget(candidate.target),
    method,
    path: req.url,
    headers: forwardHeaders(req, body),
    agent: body.complete ? deps.pooled : deps.fresh,
  });
  return new Promise<Outcome>((resolve) => {
    let upstream: IncomingMessage | undefined;
    let clientLeft = false;
    let streamed = false;
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      res.off("close", onClientClose);
      resolve(o);
    };
    const onClientClose = () => {
      if (res.writableFinished) return;
      if (upstream) {
        // Runs before the pipeline reacts: an intact upstream means the client left first.
        clientLeft = !upstream.destroyed;
        return;
      }
      up.destroy();
      settle({ kind: "gone" });
    };
    res.on("close", onClientClose);
    up.on("error", (error: NodeJS.ErrnoException) => {
      if (upstream) return; // the response pipeline reports it
      settle({ kind: "failed", error, retryable: isRetryable(error, up, method, body, streamed) });
    });
    up.on("response", (upRes) => {
      upstream = upRes;
      const status = upRes.statusCode ?? 502;
      const headers = stripHopByHop(upRes.headers);
      headers["x-slipway-version"] = candidate.version;
      if (route.closing()) headers.connection = "close";
      if (upRes.statusMessage) res.writeHead(status, upRes.statusMessage, headers);
      else res.writeHead(status, headers);
      pipeline(upRes, res, () => {
        // A backend that broke off mid-body failed the user; a client that left did not fail us.
        const intact = res.writableFinished || clientLeft;
        settle({ kind: "answered", status: intact ? statusClassOf(status) : "error" });
      });
    });
    for (const chunk of body.chunks) up.write(chunk);
    if (body.complete) {
      up.end();
      return;
    }
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
  const plan = planCandidates(route.current(), route.cursors);
  if (!plan) {
    sendJson(res, 503, {
      error: {
        code: "unavailable",
        message: `route ${route.key} has no backend with weight > 0: nothing is switched on to serve it`,
        hint: "deploy a version to this environment, or give one of its versions weight",
      },
    }, route.closing());
    return;
  }
  let version = plan.version;
  let leave = route.stats.enter(version);
  try {
    const body = await bufferBody(req, REPLAYABLE_BODY_BYTES);
    let reason = `version ${plan.version} has no targets`;
    const tried: string[] = [];
    for (const candidate of plan.candidates) {
      if (candidate.version !== version) {
        leave();
        version = candidate.version;
        leave = route.stats.enter(version);
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
    route.stats.record(plan.version, "error", performance.now() - started);
    deps.logger.warn({ route: route.key, version: plan.version, tried, reason }, "no target could serve the request");
    sendJson(res, 502, {
      error: { code: "unavailable", message: `route ${route.key}: no backend could serve the request; last failure: ${reason}`, details: { route: route.key, tried } },
    }, route.closing());
  } finally {
    leave();
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
