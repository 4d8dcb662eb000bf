import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { badInput, formatDuration, isSlipwayError, loadServiceConfigFile, newId, systemClock } from "../../core/index.js";
import { checkBuildEnvironment, runStages, type PipelineRun, type PipelineStage } from "../../pipeline/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { ago, printJson, printTable } from "../output.js";
import { findArtifact, release, sourceInfo } from "../pipeline-release.js";
import { readSigningKey } from "../supply-client.js";
import { slipwayVersion } from "../version.js";

interface RunOptions {
  file: string;
  version?: string;
  sign?: string;
  builderId?: string;
  report: boolean;
  push: boolean;
  json?: boolean;
}

/** `slipway pipeline run|runs|show`: the paved-road runner, and the runs the server knows. */
export function registerPipelineCommands(program: Command, ctx: CliContext): void {
  const pipeline = program.command("pipeline").description("pipeline runs: run the build stages here, or list and show recorded runs");

  pipeline
    .command("run")
    .description("check build.env and build.secrets, run build.stages (timeouts, redacted output), then package build.artifact and push it with provenance, SBOM and (--sign) a signature")
    .option("--file <path>", "the slipway.yaml", "slipway.yaml")
    .option("--version <version>", "the artifact's version (default: package.json version + short commit)")
    .option("--sign <keyfile>", "sign the release with this private key")
    .option("--builder-id <uri>", "the builder id in the provenance (default: SLIPWAY_BUILDER_ID or https://slipway.dev/runner/<host>)")
    .option("--no-report", "do not report the run to the server")
    .option("--no-push", "run the stages only; push nothing")
    .option("--json", "print the run as JSON at the end")
    .action((opts: RunOptions) => runPipeline(ctx, opts));

  pipeline
    .command("runs")
    .description("list recorded pipeline runs, newest first")
    .option("--service <name>", "only this service's runs")
    .option("--commit <sha>", "only runs of this commit (prefix)")
    .option("--json", "print JSON")
    .action(async (opts: { service?: string; commit?: string; json?: boolean }) => {
      const q = new URLSearchParams({ ...(opts.service ? { service: opts.service } : {}), ...(opts.commit ? { commit: opts.commit } : {}) });
      const { runs } = await apiRequest<{ runs: PipelineRun[] }>(ctx.target(), "GET", `/pipeline-runs?${q}`);
      if (opts.json) return printJson(runs, ctx.out);
      printTable(
        runs.map((r) => ({ id: r.id, pipeline: r.pipeline, status: r.status, commit: r.commit?.slice(0, 10) ?? "-", took: r.durationMs === null ? "-" : formatDuration(r.durationMs), when: ago(r.createdAt), triage: (r.triage as { category?: string } | null)?.category ?? "" })),
        ["id", "pipeline", "status", "commit", "took", "when", "triage"],
        ctx.out,
      );
    });

  pipeline
    .command("show")
    .description("one run: stages with timings, result, triage of a failure")
    .argument("<id>", "the run id")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const { run } = await apiRequest<{ run: PipelineRun }>(ctx.target(), "GET", `/pipeline-runs/${encodeURIComponent(id)}`);
      if (opts.json) return printJson(run, ctx.out);
      ctx.out.write(formatRun(run));
    });
}

async function runPipeline(ctx: CliContext, opts: RunOptions): Promise<void> {
  const configFile = resolve(opts.file);
  const { config } = await loadServiceConfigFile(configFile);
  if (!config.build) throw badInput(`${opts.file} has no build section`, { hint: "add build: { stages: [{ name: test, run: npm test }], artifact: dist } (docs/slipway-yaml.md)" });
  const build = config.build;
  // Every variable and secret reference first: a missing one fails before any stage runs.
  const { vars, secretValues } = checkBuildEnvironment(build, ctx.env);
  const cwd = dirname(configFile);
  const source = await sourceInfo(cwd);
  const version = opts.push ? (opts.version ?? (await defaultVersion(cwd, source.commit))) : (opts.version ?? "unreleased");
  // A bad key is found before the stages run, not after.
  if (opts.sign && opts.push) await readSigningKey(opts.sign);
  const runId = newId();
  const clock = systemClock;
  const startedAt = clock.now();
  const say = (line: string) => ctx.err.write(`slipway: ${line}\n`);
  say(`run ${runId}: ${config.service} ${version}${source.commit ? ` at ${source.commit.slice(0, 12)}` : ""}, ${build.stages.length} stage(s)`);
  const result = await runStages(build.stages, { cwd, env: { ...ctx.env, ...vars }, secretValues, out: ctx.out, clock });
  let digest: string | null = null;
  let failure: unknown;
  if (result.status === "succeeded" && opts.push && build.artifact) {
    try {
      const artifactPath = await findArtifact(cwd, build.artifact);
      digest = await release({ target: ctx.target(), cwd, configFile, service: config.service, version, runId, startedAt, finishedAt: clock.now(), stages: build.stages.map((s) => ({ name: s.name, run: s.run })), artifactPath, source, builderId: opts.builderId ?? ctx.env.SLIPWAY_BUILDER_ID ?? `https://slipway.dev/runner/${hostname()}`, slipwayVersion: await slipwayVersion(), signKey: opts.sign, log: say });
    } catch (err) {
      failure = err;
    }
  }
  const status = failure ? "failed" : result.status;
  const run = opts.report ? await report(ctx, { runId, service: config.service, status, startedAt, stages: result.stages, log: result.log, source, digest, failure }) : null;
  if (opts.json) printJson({ runId, status, stages: result.stages, digest, run }, ctx.out);
  else ctx.err.write(formatStages(result.stages) + (run?.triage ? formatTriageBrief(run) : ""));
  if (failure) throw failure;
  if (status !== "succeeded") {
    say(`run ${runId} failed`);
    ctx.setExitCode(1);
  }
}

async function report(ctx: CliContext, r: { runId: string; service: string; status: string; startedAt: number; stages: PipelineStage[]; log: string; source: Awaited<ReturnType<typeof sourceInfo>>; digest: string | null; failure: unknown }): Promise<PipelineRun | null> {
  const body = {
    id: r.runId,
    source: "slipway",
    pipeline: `${r.service}/slipway`,
    service: r.service,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: Date.now(),
    stages: r.stages.map((s) => ({ name: s.name, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, durationMs: s.durationMs, exitCode: s.exitCode ?? null, detail: s.detail ?? null })),
    log: r.failure ? `${r.log}\nslipway: release failed: ${(r.failure as Error).message}\n` : r.log,
    ...(r.source.commit ? { commit: r.source.commit } : {}),
    ...(r.source.ref ? { branch: r.source.ref.replace(/^refs\/heads\//, "") } : {}),
    ...(r.source.repository ? { repository: r.source.repository } : {}),
    ...(r.digest ? { artifactDigest: r.digest } : {}),
  };
  try {
    return (await apiRequest<{ run: PipelineRun }>(ctx.target(), "POST", "/pipeline-runs", body)).run;
  } catch (err) {
    // The run itself is what matters here: a server that cannot be told is said, not fatal.
    if (!isSlipwayError(err)) throw err;
    ctx.err.write(`slipway: the run could not be reported to the server: ${err.message}\n`);
    return null;
  }
}

async function defaultVersion(cwd: string, commit: string | null): Promise<string> {
  const pkg = await readFile(join(cwd, "package.json"), "utf8").then((t) => (JSON.parse(t) as { version?: string }).version, () => undefined);
  if (pkg && commit) return `${pkg}+${commit.slice(0, 7)}`;
  if (pkg) return pkg;
  throw badInput("no version: give --version V (there is no package.json version to start from)", { hint: "slipway pipeline run --version 1.2.0" });
}

export function formatStages(stages: PipelineStage[]): string {
  const rows = stages.map((s) => `  ${s.name.padEnd(16)} ${s.status.padEnd(10)} ${s.durationMs === null ? "-" : formatDuration(s.durationMs)}${s.detail ? `  ${s.detail}` : ""}`);
  return `stages:\n${rows.join("\n")}\n`;
}

function formatTriageBrief(run: PipelineRun): string {
  const t = run.triage as { categoryLabel?: string; cause?: string; evidence?: { line: number; text: string }[]; cluster?: { occurrences: number } };
  const lines = (t.evidence ?? []).slice(0, 5).map((e) => `    ${e.line}: ${e.text}`);
  return `triage: ${t.categoryLabel ?? "?"}: ${t.cause ?? ""}${t.cluster ? ` (seen ${t.cluster.occurrences} time(s))` : ""}\n${lines.join("\n")}\n`;
}

function formatRun(r: PipelineRun): string {
  const head = `run ${r.id} (${r.source} ${r.externalId}): ${r.pipeline} ${r.status}${r.durationMs !== null ? ` in ${formatDuration(r.durationMs)}` : ""}\n`;
  const where = `  commit ${r.commit ?? "-"}${r.branch ? ` on ${r.branch}` : ""}${r.repository ? ` (${r.repository})` : ""}\n${r.artifactDigest ? `  artifact sha256:${r.artifactDigest}\n` : ""}${r.url ? `  ${r.url}\n` : ""}`;
  return head + where + formatStages(r.stages) + (r.triage ? formatTriageBrief(r) : "");
}
