import type { Command } from "commander";
import { formatDuration } from "../../core/index.js";
import type { PipelineRun, Trace, TraceArtifact } from "../../pipeline/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { clockTime, printJson } from "../output.js";
import { formatVerification } from "./artifact-supply.js";

/** `slipway trace DIGEST|COMMIT|DEPLOYMENT`: commit → runs → artifacts → deployments → approvals. */
export function registerTraceCommand(program: Command, ctx: CliContext): void {
  program
    .command("trace")
    .description("the chain from a commit to production: pipeline runs, artifacts (provenance, SBOM, signatures), deployments, approvals, overrides")
    .argument("<ref>", "an artifact digest (sha256:…), a commit SHA (7+ hex digits) or a deployment id")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const t = await apiRequest<Trace>(ctx.target(), "GET", `/trace?ref=${encodeURIComponent(ref)}`);
      if (opts.json) return printJson(t, ctx.out);
      ctx.out.write(formatTrace(t));
    });
}

export function formatTrace(t: Trace): string {
  const out: string[] = [];
  out.push(t.commits.length ? t.commits.map((c) => `commit ${c}`).join("\n") : "commit unknown (no artifact or run names one)");
  if (t.runs.length === 0) out.push("  no pipeline run recorded for it");
  for (const r of t.runs) out.push(...runLines(r));
  for (const a of t.artifacts) out.push(...artifactLines(a));
  if (t.artifacts.length === 0) out.push("no artifact was pushed from it");
  return out.join("\n") + "\n";
}

function runLines(r: PipelineRun): string[] {
  const took = r.durationMs !== null ? ` in ${formatDuration(r.durationMs)}` : "";
  const stages = r.stages.map((s) => `${s.name} ${s.durationMs === null ? s.status : formatDuration(s.durationMs)}${s.status === "succeeded" || s.status === "skipped" ? "" : ` ${s.status}`}`).join(", ");
  const triage = (r.triage as { categoryLabel?: string; cause?: string } | null) ?? null;
  return [
    `run ${r.id} (${r.source} ${r.externalId}) ${r.pipeline} ${r.status}${took}${r.url ? ` ${r.url}` : ""}`,
    ...(stages ? [`    ${stages}`] : []),
    ...(triage ? [`    triage: ${triage.categoryLabel ?? ""}: ${triage.cause ?? ""}`] : []),
  ];
}

function artifactLines(a: TraceArtifact): string[] {
  const facts = { digest: a.digest, signatures: a.signatures, provenance: a.provenance, sbom: a.sbom, scans: a.scans.map((s) => ({ ...s, uploadedAt: 0 })) };
  // The same sections as `artifact show`, without the bytes check (trace reads the record only).
  const sections = formatVerification({ digest: a.digest, artifacts: [{ service: a.service, version: a.version, commit: a.commit, author: a.author, pushedAt: a.pushedAt }], blob: { ok: true, detail: "" }, facts: facts as never }, null)
    .split("\n")
    .filter((l) => l && !/^ {2}bytes|^artifact|^ {2}pushed as/.test(l))
    .map((l) => l.replace(/ \(1970-01-01 00:00:00Z\)/, ""));
  const lines = [`artifact ${a.service} ${a.version} sha256:${a.digest}`, `  pushed      ${clockTime(a.pushedAt)}${a.commit ? ` commit ${a.commit.slice(0, 12)}` : ""}${a.author ? ` by ${a.author}` : ""}`, ...sections];
  lines.push(`  deployments${a.deployments.length === 0 ? " none" : ""}`);
  for (const d of a.deployments) {
    lines.push(`    ${d.environment.padEnd(10)} ${d.id}  ${d.state.padEnd(11)} ${clockTime(d.createdAt)} by ${d.actor}${d.kind === "rollback" ? " (rollback)" : ""}${d.reason ? `: ${d.reason}` : ""}`);
    for (const x of d.approvals) lines.push(`               ${x.decision === "approve" ? "approved" : "rejected"} by ${x.by} (${x.role}) ${clockTime(x.at)}${x.comment ? `: ${x.comment}` : ""}`);
    if (d.override) lines.push(`               override by ${d.override.by}: ${d.override.reason}`);
  }
  return lines;
}
