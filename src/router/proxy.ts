/**
 * The data plane's request handler: picks a version and target, sends the request upstream
 * (see upstream.ts), and retries on another target when an attempt fails before any response
 * byte, so replacing a replica costs users nothing.
 *
 * It is the hot path, so it is written to allocate little (profiled with `npm run bench:router
 * -- --profile DIR`): a request without a body skips buffering, the fallback list is built only
 * after a failure. Nothing is logged unless something failed.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { chooseBackend, fallbacks, nextTarget } from "./balance.js";
import type { Candidate, Cursors } from "./balance.js";
import { sendJson } from "./http-util.js";
import type { RouterLogger } from "./logger.js";
import { bufferBody, REPLAYABLE_BODY_BYTES } from "./request-body.js";
import type { RouteStats } from "./stats.js";
import type { Route } from "./types.js";
import type { Upstream } from "./upstream.js";

/** What the handler needs to know about the route it serves; `current()` is read per request. */
export interface ProxyRoute {
  key: string;
  current(): Route;
  cursors: Cursors;
  stats: RouteStats;
  /** True while the listener shuts down: responses then ask clients to close the connection. */
  closing(): boolean;
}

/** Shared per router: the client to the backends, and the log. */
export interface ProxyDeps {
  upstream: Upstream;
  logger: RouterLogger;
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
      const outcome = await deps.upstream.attempt(route, req, res, body, candidate);
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
