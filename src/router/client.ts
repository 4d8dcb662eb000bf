/**
 * The control plane's side of the router: `RouterClient` speaks the admin API over the unix
 * socket; `ensureRouterDaemon` / `stopRouterDaemon` start and stop the detached daemon.
 */
import { request } from "node:http";
import type { VersionStats } from "../core/index.js";
import { errorFromBody, unavailable } from "../core/index.js";
import type { Route, RouterControl } from "./types.js";

/** What the daemon says about itself on GET /healthz. */
export interface RouterHealth {
  ok: boolean;
  pid: number;
  /** When the daemon process started (ms). Its counters carry on across restarts when it keeps a stats file. */
  startedAt: number;
  routes: number;
  /** Routes restored from the state file whose port could not be bound. */
  unserved: string[];
}

/** Options of a `RouterClient`. */
export interface RouterClientOptions {
  /** Per-call timeout; a drain call waits its own timeout on top. Default 10 s. */
  timeoutMs?: number;
}

/** Errors that mean nobody listens on the socket (daemon not started, or died). */
const NOT_THERE = new Set(["ENOENT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTSOCK"]);

/** `RouterControl` over the daemon's admin socket. Stateless: every call is one request. */
export class RouterClient implements RouterControl {
  readonly socketPath: string;
  readonly #timeoutMs: number;

  constructor(socketPath: string, options: RouterClientOptions = {}) {
    this.socketPath = socketPath;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async setRoute(route: Route): Promise<void> {
    await this.#call("PUT", `/routes/${encodeURIComponent(route.key)}`, route);
  }

  async removeRoute(key: string): Promise<void> {
    await this.#call("DELETE", `/routes/${encodeURIComponent(key)}`);
  }

  listRoutes(): Promise<Route[]> {
    return this.#call("GET", "/routes") as Promise<Route[]>;
  }

  getStats(key: string): Promise<VersionStats[]> {
    return this.#call("GET", `/routes/${encodeURIComponent(key)}/stats`) as Promise<VersionStats[]>;
  }

  async drain(key: string, version: string, timeoutMs: number): Promise<boolean> {
    const body = (await this.#call("POST", `/routes/${encodeURIComponent(key)}/drain`, { version, timeoutMs }, timeoutMs)) as { drained: boolean };
    return body.drained;
  }

  /** The daemon's health; throws `unavailable` when it does not answer. */
  health(): Promise<RouterHealth> {
    return this.#call("GET", "/healthz") as Promise<RouterHealth>;
  }

  #call(method: string, path: string, body?: unknown, extraMs = 0): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const hint = "start it with ensureRouterDaemon({ dataDir }) (`slipway server` does this)";
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
          timeout: this.#timeoutMs + extraMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (err) => reject(unavailable(`router daemon broke off its answer to ${method} ${path}: ${err.message}`, { cause: err })));
          res.on("end", () => {
            const status = res.statusCode ?? 500;
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch {
              parsed = undefined;
            }
            if (status >= 200 && status < 300) resolve(parsed);
            else reject(errorFromBody(status, parsed));
          });
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (err: NodeJS.ErrnoException) => {
        const what = NOT_THERE.has(err.code ?? "") ? "does not answer" : "failed to answer";
        reject(unavailable(`router daemon ${what} on ${this.socketPath} (${method} ${path}: ${err.code ?? err.message})`, { hint, cause: err }));
      });
      req.end(payload);
    });
  }
}
