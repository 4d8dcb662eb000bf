/**
 * Triage over HTTP: POST /api/v1/triage triages a failed log (few-shot from the pipeline's
 * confirmed examples, recording the occurrence in its cluster); POST /api/v1/triage/confirm
 * records the right lines for a run.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Store } from "../../store/index.js";
import { confirmRun, triageRun, type RuleSpec } from "../../triage/index.js";
import { route } from "../route-kit.js";

/** Largest log accepted in a JSON body (a streamed upload route can come later). */
const MAX_LOG_CHARS = 64 * 1024 * 1024;

const name = z.string().min(1).max(200);
const triageBody = z.strictObject({
  log: z.string().max(MAX_LOG_CHARS, "the log is larger than 64 MiB"),
  passLog: z.string().max(MAX_LOG_CHARS, "the passing log is larger than 64 MiB").optional(),
  pipeline: name.optional(),
  run: name.optional(),
});
const confirmBody = z.strictObject({
  run: name,
  lines: z.string().regex(/^\s*\d+(?:-\d+)?(?:\s*,\s*\d+(?:-\d+)?)*\s*$/, "expected line ranges like 120-131 or 120-131,140"),
  pipeline: name.optional(),
  log: z.string().max(MAX_LOG_CHARS).optional(),
  flaky: z.boolean().optional(),
});

/** Registers the triage routes. `rules` are server-wide extra rules (same format as rule files). */
export function registerTriageRoutes(app: FastifyInstance, ctx: { store: Store; rules?: readonly RuleSpec[]; now?: () => number }): void {
  const now = ctx.now ?? Date.now;
  route(app, { method: "POST", path: "/api/v1/triage", summary: "Triage a failed pipeline log: failure lines, category, cause, flaky estimate, cluster", body: triageBody, access: "viewer" }, async ({ body }) =>
    triageRun(ctx.store, { log: body.log, passLog: body.passLog, pipeline: body.pipeline, run: body.run, rules: ctx.rules, now: now() }),
  );
  route(app, { method: "POST", path: "/api/v1/triage/confirm", summary: "Confirm the lines that explain a run's failure (few-shot for its pipeline)", body: confirmBody, access: "deployer" }, async ({ body, reply }) => {
    const example = await confirmRun(ctx.store, { run: body.run, lines: body.lines, pipeline: body.pipeline, log: body.log, flaky: body.flaky, now: now() });
    reply.status(201);
    return { example };
  });
}
