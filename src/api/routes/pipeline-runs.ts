/**
 * Pipeline runs: reported by `slipway pipeline run` or any CI (POST, generic JSON), listed,
 * shown with their stages and triage; a run's log can be uploaded later (a CI step), and a
 * failed run is triaged as soon as it has a log.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { badInput } from "../../core/index.js";
import { getServiceConfig } from "../../engine/index.js";
import { getRunLog, ingestRun, trace, MAX_RUN_LOG_BYTES, listRuns, reportToInput, requireRun, runReportSchema, setRunLog, triageIfFailed, type IngestContext } from "../../pipeline/index.js";
import { requireTextLog } from "../../triage/index.js";
import { actorOf } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const listQuery = z.object({
  service: z.string().max(63).optional(),
  commit: z.string().regex(/^[0-9a-f]{7,64}$/i, "expected a commit SHA (7 to 64 hex digits)").optional(),
  repository: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const traceQuery = z.object({ ref: z.string().min(1).max(100) });

/** The ingestion context: the store, the clock, and each service's triage rules after the server's. */
export function ingestContext(ctx: ApiContext): IngestContext {
  return {
    store: ctx.store,
    clock: ctx.clock,
    rulesFor: async (service) => [...(ctx.triageRules ?? []), ...((await getServiceConfig(ctx.engine.ctx, service).catch(() => undefined))?.triage?.rules ?? [])],
  };
}

export function registerPipelineRunRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const ingest = ingestContext(ctx);
  route(app, { method: "POST", path: "/api/v1/pipeline-runs", summary: "Report a pipeline run (generic JSON: id, pipeline, status, commit, stages, log); a failed run with a log is triaged", body: runReportSchema, access: "deployer", bodyLimit: MAX_RUN_LOG_BYTES + 1024 * 1024, scope: ({ body }) => ({ service: body.service, environment: null }), action: "report pipeline runs" }, async ({ body, request, reply }) => {
    const { run, created } = await ingestRun(ingest, reportToInput(body), actorOf(request));
    reply.status(created ? 201 : 200);
    return { run };
  });

  route(app, { method: "GET", path: "/api/v1/trace", summary: "The chain for a digest, commit or deployment: runs, artifacts (provenance, SBOM, signatures checked now), deployments, approvals, overrides", query: traceQuery, access: "viewer" }, async ({ query }) => trace(ctx.store, query.ref));

  route(app, { method: "GET", path: "/api/v1/pipeline-runs", summary: "List pipeline runs, newest first (filter by service, commit prefix, repository)", query: listQuery, access: "viewer" }, async ({ query }) => ({ runs: await listRuns(ctx.store, query) }));

  route(app, { method: "GET", path: "/api/v1/pipeline-runs/{id}", summary: "One pipeline run: stages, timings, status, triage", access: "viewer", scope: async ({ params }) => ({ service: (await requireRun(ctx.store, params.id!)).service ?? undefined }) }, async ({ params }) => ({ run: await requireRun(ctx.store, params.id!) }));

  route(app, { method: "GET", path: "/api/v1/pipeline-runs/{id}/log", summary: "A pipeline run's stored log (redacted by whoever sent it)", access: "viewer", scope: async ({ params }) => ({ service: (await requireRun(ctx.store, params.id!)).service ?? undefined }) }, async ({ params, reply }) => {
    const log = await getRunLog(ctx.store, params.id!);
    reply.header("content-type", "text/plain; charset=utf-8");
    return log ?? "";
  });

  // The log arrives as the raw body, as text.
  app.register(async (scope) => {
    if (scope.hasContentTypeParser("text/plain")) scope.removeContentTypeParser("text/plain");
    scope.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) => done(null, body));
    route(scope, { method: "PUT", path: "/api/v1/pipeline-runs/{id}/log", summary: "Upload a run's log (text/plain, up to 32 MiB); a failed run is triaged with it", access: "deployer", rawBody: "text/plain", bodyLimit: MAX_RUN_LOG_BYTES, scope: async ({ params }) => ({ service: (await requireRun(ctx.store, params.id!)).service ?? undefined, environment: null }), action: "upload pipeline logs" }, async ({ params, request }) => {
      if (typeof request.body !== "string") throw badInput("the request body must be the log as text/plain");
      const run = await requireRun(ctx.store, params.id!);
      requireTextLog(request.body, "the uploaded log");
      await setRunLog(ctx.store, run.id, request.body, ctx.clock);
      return { run: await triageIfFailed(ingest, await requireRun(ctx.store, run.id)) };
    });
  });
}
