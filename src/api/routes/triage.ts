/**
 * Triage over HTTP: POST /api/v1/triage triages a failed log sent in JSON (few-shot from the
 * pipeline's confirmed examples, recording the occurrence in its cluster); POST
 * /api/v1/triage/log does the same with the log streamed as the raw body, of any size;
 * POST /api/v1/triage/confirm records the right lines for a run.
 */
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { badInput } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import { confirmRun, triageRun, type RuleSpec } from "../../triage/index.js";
import { route } from "../route-kit.js";

/** Largest log accepted in a JSON body; larger logs go to the streamed route. */
const MAX_LOG_CHARS = 64 * 1024 * 1024;

const name = z.string().min(1).max(200);
const triageBody = z.strictObject({
  log: z.string().max(MAX_LOG_CHARS, "the log is larger than 64 MiB"),
  passLog: z.string().max(MAX_LOG_CHARS, "the passing log is larger than 64 MiB").optional(),
  pipeline: name.optional(),
  run: name.optional(),
  service: name.optional(),
});
const streamQuery = z.strictObject({ pipeline: name.optional(), run: name.optional(), service: name.optional() });
/** Content types the streamed route reads as a raw log. */
const RAW_LOG_TYPES = ["text/plain", "application/octet-stream"];
const confirmBody = z.strictObject({
  run: name,
  lines: z.string().regex(/^\s*\d+(?:-\d+)?(?:\s*,\s*\d+(?:-\d+)?)*\s*$/, "expected line ranges like 120-131 or 120-131,140"),
  pipeline: name.optional(),
  log: z.string().max(MAX_LOG_CHARS).optional(),
  flaky: z.boolean().optional(),
});

/** What the triage routes need. */
export interface TriageRoutesContext {
  store: Store;
  /** Server-wide extra rules (same format as rules files). */
  rules?: readonly RuleSpec[];
  /** A service's own rules (`triage.rules` in its slipway.yaml), when a request names the service. */
  serviceRules?: (service: string) => Promise<readonly RuleSpec[]>;
  now?: () => number;
}

/** Registers the triage routes. */
export function registerTriageRoutes(app: FastifyInstance, ctx: TriageRoutesContext): void {
  const now = ctx.now ?? Date.now;
  // A service's rules come after the server's, so they replace server rules with the same id.
  const rulesFor = async (service: string | undefined): Promise<readonly RuleSpec[]> => {
    const own = service && ctx.serviceRules ? await ctx.serviceRules(service) : [];
    return [...(ctx.rules ?? []), ...own];
  };
  route(app, { method: "POST", path: "/api/v1/triage", summary: "Triage a failed pipeline log: failure lines, category, cause, flaky estimate, cluster", body: triageBody, access: "viewer" }, async ({ body }) =>
    triageRun(ctx.store, { log: body.log, passLog: body.passLog, pipeline: body.pipeline, run: body.run, rules: await rulesFor(body.service), now: now() }),
  );
  // Its own scope: here text/plain and octet-stream bodies stay streams, not buffered strings.
  app.register(async (scope) => {
    for (const type of RAW_LOG_TYPES) if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
    scope.addContentTypeParser(RAW_LOG_TYPES, (_req, payload, done) => done(null, payload));
    route(scope, { method: "POST", path: "/api/v1/triage/log", summary: "Triage a failed pipeline log streamed as the raw body (text/plain or octet-stream, optionally gzip-encoded; any size)", query: streamQuery, access: "viewer" }, async ({ query, request }) => {
      const rules = await rulesFor(query.service);
      const body = rawBodyOf(request);
      try {
        return await triageRun(ctx.store, { log: logChunksOf(body, request), pipeline: query.pipeline, run: query.run, rules, now: now() });
      } catch (err) {
        await discardRest(body);
        throw err;
      }
    });
  });
  route(app, { method: "POST", path: "/api/v1/triage/confirm", summary: "Confirm the lines that explain a run's failure (few-shot for its pipeline)", body: confirmBody, access: "deployer" }, async ({ body, reply }) => {
    const example = await confirmRun(ctx.store, { run: body.run, lines: body.lines, pipeline: body.pipeline, log: body.log, flaky: body.flaky, now: now() });
    reply.status(201);
    return { example };
  });
}

/** The request body, still unread. */
function rawBodyOf(request: FastifyRequest): Readable {
  const body = request.body as Readable | undefined;
  if (!body || typeof body.pipe !== "function") {
    throw badInput("the request body must be the raw log", { hint: `send the log bytes with content-type: ${RAW_LOG_TYPES.join(" or ")} (e.g. curl --data-binary @build.log -H 'content-type: text/plain')` });
  }
  return body;
}

/**
 * The body's log bytes, un-gzipped when the client says it is gzip. Triage may stop reading
 * early (a binary upload is refused from its first bytes), so stopping must not destroy the
 * body: the client is still sending, and it should get the answer, not a reset connection.
 */
function logChunksOf(body: Readable, request: FastifyRequest): AsyncIterable<Uint8Array> {
  const encoding = String(request.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding === "identity") return body.iterator({ destroyOnReturn: false });
  if (encoding !== "gzip") throw badInput(`content-encoding "${encoding}" is not supported for logs`, { hint: "send the log plain or gzip-encoded" });
  const gunzip = createGunzip();
  body.on("error", (err) => gunzip.destroy(err));
  body.pipe(gunzip);
  return gunzipped(gunzip);
}

/** Un-gzipped chunks; a corrupt gzip stream is the client's bad input, not a server error. */
async function* gunzipped(stream: Readable): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Uint8Array;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("Z_")) throw badInput(`the log is not valid gzip: ${(err as Error).message}`, { hint: "send the log plain, or gzip-encoded with content-encoding: gzip" });
    throw err;
  }
}

/**
 * Reads and drops what is left of a body the route stopped reading, so the error reply reaches
 * a client that is still uploading (a reply before the upload ends is lost by many clients).
 */
async function discardRest(body: Readable): Promise<void> {
  if (body.readableEnded || body.destroyed) return;
  body.unpipe();
  body.resume();
  // A client that hangs up meanwhile has nothing left to be told; the route's own error is the answer.
  await finished(body).catch(() => undefined);
}
