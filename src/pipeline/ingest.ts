import { z } from "zod";
import { appendAuditEvent } from "../audit/index.js";
import type { Clock } from "../core/index.js";
import type { Store } from "../store/index.js";
import { notTextLogOf, triageRun, type RuleSpec } from "../triage/index.js";
import { getRunLog, requireRun, setRunTriage, upsertRun } from "./runs-repo.js";
import { RUN_STATUSES, type PipelineRun, type RunInput } from "./types.js";

/** Largest log accepted with a run report. */
export const MAX_RUN_LOG_BYTES = 32 * 1024 * 1024;

const time = z.union([z.number().int().nonnegative(), z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expected an ISO 8601 time")]).transform((t) => (typeof t === "number" ? t : Date.parse(t)));
const text = (max: number) => z.string().min(1).max(max);

const stageSchema = z.strictObject({
  name: text(200),
  status: z.enum(RUN_STATUSES),
  startedAt: time.nullish(),
  finishedAt: time.nullish(),
  durationMs: z.number().int().nonnegative().nullish(),
  exitCode: z.number().int().nullish(),
  detail: z.string().max(1000).nullish(),
  url: z.string().max(2000).nullish(),
});

/** The generic run report (POST /api/v1/pipeline-runs; `slipway pipeline run` sends one too). */
export const runReportSchema = z.strictObject({
  id: text(200).describe("the run's id in the CI system (unique per source)"),
  source: z.enum(["api", "slipway"]).default("api"),
  pipeline: text(300).describe("the pipeline or workflow name"),
  service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a service name").optional(),
  repository: text(500).optional(),
  commit: z.string().regex(/^[0-9a-f]{7,64}$/i, "expected a git commit SHA (7 to 64 hex digits)").transform((c) => c.toLowerCase()).optional(),
  branch: text(500).optional(),
  status: z.enum(RUN_STATUSES),
  actor: text(200).optional(),
  url: z.string().max(2000).optional(),
  startedAt: time.optional(),
  finishedAt: time.optional(),
  stages: z.array(stageSchema).max(500).optional(),
  artifactDigest: z.string().regex(/^(sha256:)?[0-9a-f]{64}$/, "expected sha256:<64 hex digits>").transform((d) => d.replace(/^sha256:/, "")).optional(),
  log: z
    .string()
    .max(MAX_RUN_LOG_BYTES, "the log is larger than 32 MiB")
    // An archive or an image would be stored and triaged as noise: refused before anything is recorded.
    .superRefine((log, ctx) => {
      const what = notTextLogOf(log);
      if (what) ctx.addIssue({ code: "custom", message: `not a text log: it looks like ${what}; send the job's plain-text console output (uncompressed)` });
    })
    .optional(),
});
export type RunReport = z.output<typeof runReportSchema>;

export function reportToInput(r: RunReport): RunInput {
  return {
    source: r.source,
    externalId: r.id,
    pipeline: r.pipeline,
    service: r.service,
    repository: r.repository,
    commit: r.commit,
    branch: r.branch,
    status: r.status,
    actor: r.actor,
    url: r.url,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    artifactDigest: r.artifactDigest,
    log: r.log,
    stages: r.stages?.map((s) => ({ ...s, startedAt: s.startedAt ?? null, finishedAt: s.finishedAt ?? null, durationMs: s.durationMs ?? (s.startedAt != null && s.finishedAt != null ? s.finishedAt - s.startedAt : null) })),
  };
}

/** What ingestion needs besides the store. */
export interface IngestContext {
  store: Store;
  clock: Clock;
  /** A service's own triage rules (its slipway.yaml triage.rules). */
  rulesFor?: (service: string) => Promise<readonly RuleSpec[]>;
}

/**
 * Records a run report. A run that is (now) failed and has a log is triaged as `triage --record`
 * would (few-shot from its pipeline's confirmed examples, clustered, flaky estimate), once; the
 * result is stored on the run. Creation and status changes are audit events.
 */
export async function ingestRun(ctx: IngestContext, input: RunInput, actor: string): Promise<{ run: PipelineRun; created: boolean }> {
  const { run, previous, created } = await upsertRun(ctx.store, input, ctx.clock);
  if (!previous || previous.status !== run.status) {
    await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor, action: `pipeline.run.${run.status}`, subject: `pipeline-run/${run.id}`, payload: { source: run.source, externalId: run.externalId, pipeline: run.pipeline, service: run.service, repository: run.repository, commit: run.commit, branch: run.branch, artifactDigest: run.artifactDigest } }, ctx.clock);
  }
  return { run: await triageIfFailed(ctx, run), created };
}

/** Triages a failed run with a log that has not been triaged yet; returns the run as stored. */
export async function triageIfFailed(ctx: IngestContext, run: PipelineRun): Promise<PipelineRun> {
  if (run.status !== "failed" || run.triage !== null || !run.hasLog) return run;
  const log = await getRunLog(ctx.store, run.id);
  if (log === null) return run;
  const rules = run.service && ctx.rulesFor ? await ctx.rulesFor(run.service) : [];
  const triage = await triageRun(ctx.store, { log, pipeline: run.pipeline, run: run.id, rules, now: ctx.clock.now() });
  await setRunTriage(ctx.store, run.id, triage);
  return requireRun(ctx.store, run.id);
}
