/** Assembles a router: restored route table, data-plane listeners, then the admin API. */
import type { FastifyInstance } from "fastify";
import type { RouterLogger } from "./logger.js";
import { silentLogger } from "./logger.js";
import { RouteTable } from "./route-table.js";
import { startAdminServer } from "./admin.js";
import { readState, writeState } from "./state-file.js";
import { readStatsFile } from "./stats-file.js";
import type { RouterControl } from "./types.js";
import type { UpstreamKind } from "./upstream.js";

/** Options of `startRouter`. */
export interface StartRouterOptions {
  /** Interface route listeners bind to; default 127.0.0.1. */
  host?: string;
  /** Admin API unix socket; without it the router is driven in process only (`router.control`). */
  socketPath?: string;
  /** Route table file; without it routes are not persisted. */
  statePath?: string;
  /** Per-version counters file; without it counters start at zero on every start. */
  statsPath?: string;
  logger?: RouterLogger;
  /** Bound on waiting for requests in flight when listeners close; default 10 s. */
  graceMs?: number;
  /** The HTTP client to the backends; default undici (node:http is kept to compare them: `npm run bench:router`). */
  upstream?: UpstreamKind;
}

/** A running router. */
export interface RunningRouter {
  /** In-process control: the same operations the admin API offers. */
  control: RouterControl;
  host: string;
  socketPath: string | undefined;
  /** Stops the admin API, then closes listeners once requests in flight finish (bounded). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts a router. Persisted routes serve before the admin API answers, so whoever waits for
 * /healthz knows traffic already flows.
 */
export async function startRouter(options: StartRouterOptions = {}): Promise<RunningRouter> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? silentLogger;
  const statePath = options.statePath;
  const table = new RouteTable({
    host,
    logger,
    graceMs: options.graceMs,
    statsPath: options.statsPath,
    upstream: options.upstream,
    onChange: statePath ? (routes) => writeState(statePath, routes) : undefined,
  });
  if (statePath) {
    const routes = await readState(statePath, logger);
    await table.restore(routes, options.statsPath ? await readStatsFile(options.statsPath, logger) : undefined);
    logger.info({ statePath, routes: routes.length, unserved: table.unserved() }, "routes restored");
  }
  let admin: FastifyInstance | undefined;
  if (options.socketPath) {
    try {
      admin = await startAdminServer({ socketPath: options.socketPath, table, logger });
    } catch (err) {
      await table.close(0);
      throw err;
    }
    logger.info({ socketPath: options.socketPath, host }, "admin API listening");
  }
  return {
    control: table,
    host,
    socketPath: options.socketPath,
    async close(graceMs) {
      await admin?.close();
      await table.close(graceMs);
    },
  };
}
