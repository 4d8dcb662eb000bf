/**
 * The admin API the control plane drives the daemon with: JSON over HTTP on a unix socket,
 * so only local processes with access to the data directory can change routing.
 */
import { connect } from "node:net";
import { unlink } from "node:fs/promises";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { badInput, conflict, httpStatusOf, isSlipwayError } from "../core/index.js";
import type { RouterLogger } from "./logger.js";
import type { RouteTable } from "./route-table.js";
import { drainSchema, parseOrThrow } from "./schema.js";

/** Options of the admin server. */
export interface AdminOptions {
  socketPath: string;
  table: RouteTable;
  logger: RouterLogger;
}

/** True when something accepts connections on the unix socket at `path`. */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Removes a socket file left by a daemon that died; refuses if a live daemon still answers. */
async function claimSocket(path: string): Promise<void> {
  if (await socketAnswers(path)) {
    throw conflict(`another router daemon already answers on ${path}`, { hint: "stop it first (stopRouterDaemon), or use another data directory" });
  }
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
}

function errorBody(err: unknown): { status: number; body: unknown } {
  if (isSlipwayError(err)) {
    return { status: httpStatusOf(err), body: { error: { code: err.code, message: err.message, hint: err.hint, details: err.details } } };
  }
  // Fastify's own client errors (bad JSON, wrong content type, body too large) carry a 4xx statusCode.
  const e = err as { statusCode?: number; message?: string };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: { code: "bad_input", message: e.message ?? "bad request" } } };
  }
  return { status: 500, body: { error: { code: "internal", message: e.message ?? String(err) } } };
}

function routes(app: FastifyInstance, table: RouteTable): void {
  type KeyParams = { Params: { key: string } };
  const startedAt = Date.now();
  // startedAt says when this process started; counters carry on across restarts (stats-file.ts).
  app.get("/healthz", async () => ({ ok: true, pid: process.pid, startedAt, routes: (await table.listRoutes()).length, unserved: table.unserved() }));
  app.get("/routes", () => table.listRoutes());
  app.put<KeyParams>("/routes/:key", async (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.key !== undefined && body.key !== req.params.key) {
      throw badInput(`invalid route: body key "${String(body.key)}" differs from the URL's key "${req.params.key}"`, {
        hint: "PUT /routes/<encodeURIComponent(key)> with the same key in the body, or none",
      });
    }
    await table.setRoute({ ...body, key: req.params.key } as never);
    return { ok: true };
  });
  app.delete<KeyParams>("/routes/:key", async (req) => {
    await table.removeRoute(req.params.key);
    return { ok: true };
  });
  app.get<KeyParams>("/routes/:key/stats", (req) => table.getStats(req.params.key));
  app.post<KeyParams>("/routes/:key/drain", async (req) => {
    const { version, timeoutMs } = parseOrThrow(drainSchema, req.body, "drain request");
    return { drained: await table.drain(req.params.key, version, timeoutMs) };
  });
}

/** Starts the admin API on `socketPath` (mode 0600 by umask of the daemon). */
export async function startAdminServer(options: AdminOptions): Promise<FastifyInstance> {
  await claimSocket(options.socketPath);
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = errorBody(err);
    if (status >= 500) options.logger.error({ url: req.url, err: (err as Error).message }, "admin request failed");
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: "not_found", message: `no admin endpoint ${req.method} ${req.url}` } });
  });
  routes(app, options.table);
  await app.listen({ path: options.socketPath });
  return app;
}
