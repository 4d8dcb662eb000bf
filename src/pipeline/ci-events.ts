import { z } from "zod";
import { badInput } from "../core/index.js";
import type { PipelineStage, RunInput, RunStatus } from "./types.js";

/**
 * CI events → run reports: GitHub `workflow_run` and `workflow_job`, GitLab Pipeline Hook.
 * Only the members used are checked; anything else in the payload is ignored.
 */

const ms = (t: string | null | undefined): number | null => (t ? Date.parse(t) : null);
const repo = z.object({ full_name: z.string().min(1), html_url: z.string().optional() });

const workflowRun = z.object({
  action: z.string(),
  repository: repo,
  workflow_run: z.object({
    id: z.number(),
    name: z.string().nullish(),
    run_attempt: z.number().default(1),
    head_branch: z.string().nullish(),
    head_sha: z.string(),
    status: z.string().nullish(),
    conclusion: z.string().nullish(),
    html_url: z.string().nullish(),
    run_started_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    actor: z.object({ login: z.string() }).nullish(),
  }),
});

const workflowJob = z.object({
  action: z.string(),
  repository: repo,
  workflow_job: z.object({
    id: z.number(),
    run_id: z.number(),
    run_attempt: z.number().default(1),
    name: z.string(),
    workflow_name: z.string().nullish(),
    head_sha: z.string(),
    head_branch: z.string().nullish(),
    status: z.string(),
    conclusion: z.string().nullish(),
    started_at: z.string().nullish(),
    completed_at: z.string().nullish(),
    html_url: z.string().nullish(),
  }),
});

/** GitHub's status + conclusion → a run status. */
function githubStatus(status: string | null | undefined, conclusion: string | null | undefined): RunStatus {
  if (status !== "completed") return status === "in_progress" ? "running" : "queued";
  if (conclusion === "success") return "succeeded";
  if (conclusion === "cancelled") return "cancelled";
  if (conclusion === "skipped" || conclusion === "neutral") return "skipped";
  return "failed";
}

function parse<T>(schema: z.ZodType<T>, payload: unknown, what: string): T {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const problems = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw badInput(`the ${what} payload is not what GitHub/GitLab sends: ${problems.join("; ")}`, { hint: "configure the webhook to send JSON (content type application/json)" });
}

/** A GitHub workflow_run or workflow_job delivery as a run report; null for other events (ignored). */
export function fromGithub(event: string, payload: unknown): RunInput | null {
  if (event === "workflow_run") {
    const p = parse(workflowRun, payload, "workflow_run");
    const r = p.workflow_run;
    const status = githubStatus(r.status, r.conclusion);
    return {
      source: "github",
      externalId: `${r.id}-${r.run_attempt}`,
      pipeline: `${p.repository.full_name}/${r.name ?? "workflow"}`,
      repository: p.repository.html_url ?? `https://github.com/${p.repository.full_name}`,
      commit: r.head_sha.toLowerCase(),
      branch: r.head_branch ?? null,
      status,
      actor: r.actor?.login ?? null,
      url: r.html_url ?? null,
      startedAt: ms(r.run_started_at),
      finishedAt: r.status === "completed" ? ms(r.updated_at) : null,
    };
  }
  if (event === "workflow_job") {
    const p = parse(workflowJob, payload, "workflow_job");
    const j = p.workflow_job;
    const startedAt = ms(j.started_at);
    const finishedAt = j.status === "completed" ? ms(j.completed_at) : null;
    const stage: PipelineStage = { name: j.name, status: githubStatus(j.status, j.conclusion), startedAt, finishedAt, durationMs: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : null, url: j.html_url ?? null };
    return {
      source: "github",
      externalId: `${j.run_id}-${j.run_attempt}`,
      pipeline: `${p.repository.full_name}/${j.workflow_name ?? "workflow"}`,
      repository: p.repository.html_url ?? `https://github.com/${p.repository.full_name}`,
      commit: j.head_sha.toLowerCase(),
      branch: j.head_branch ?? null,
      stages: [stage],
    };
  }
  return null;
}

/** The repository a GitHub delivery claims to come from (read before the signature is checked, to find its secret). */
export function githubRepository(payload: unknown): string | null {
  const name = (payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
  return typeof name === "string" ? name : null;
}

const gitlabPipeline = z.object({
  object_kind: z.literal("pipeline"),
  object_attributes: z.object({
    id: z.number(),
    name: z.string().nullish(),
    ref: z.string().nullish(),
    sha: z.string(),
    status: z.string(),
    created_at: z.string().nullish(),
    finished_at: z.string().nullish(),
    url: z.string().nullish(),
  }),
  project: z.object({ path_with_namespace: z.string(), web_url: z.string().optional() }),
  user: z.object({ username: z.string() }).nullish(),
  builds: z
    .array(z.object({ name: z.string(), stage: z.string().nullish(), status: z.string(), started_at: z.string().nullish(), finished_at: z.string().nullish(), duration: z.number().nullish() }))
    .default([]),
});

function gitlabStatus(status: string): RunStatus {
  switch (status) {
    case "success":
      return "succeeded";
    case "failed":
      return "failed";
    case "canceled":
    case "canceling":
      return "cancelled";
    case "skipped":
      return "skipped";
    case "running":
      return "running";
    default:
      return "queued"; // created, pending, waiting_for_resource, preparing, manual, scheduled
  }
}

/** GitLab writes times as "2026-01-05 10:00:00 UTC" in hooks; Date.parse needs ISO. */
const gitlabTime = (t: string | null | undefined): number | null => (t ? Date.parse(t.replace(/ UTC$/, "Z").replace(" ", "T")) : null);

/** A GitLab Pipeline Hook as a run report. */
export function fromGitlab(payload: unknown): RunInput {
  const p = parse(gitlabPipeline, payload, "Pipeline Hook");
  const a = p.object_attributes;
  return {
    source: "gitlab",
    externalId: String(a.id),
    pipeline: `${p.project.path_with_namespace}${a.name ? `/${a.name}` : ""}`,
    repository: p.project.web_url ?? p.project.path_with_namespace,
    commit: a.sha.toLowerCase(),
    branch: a.ref ?? null,
    status: gitlabStatus(a.status),
    actor: p.user?.username ?? null,
    url: a.url ?? null,
    startedAt: gitlabTime(a.created_at),
    finishedAt: gitlabTime(a.finished_at),
    stages: p.builds.map((b) => ({ name: b.stage ? `${b.stage}/${b.name}` : b.name, status: gitlabStatus(b.status), startedAt: gitlabTime(b.started_at), finishedAt: gitlabTime(b.finished_at), durationMs: b.duration == null ? null : Math.round(b.duration * 1000) })),
  };
}

export function gitlabRepository(payload: unknown): string | null {
  const name = (payload as { project?: { path_with_namespace?: unknown } } | null)?.project?.path_with_namespace;
  return typeof name === "string" ? name : null;
}
