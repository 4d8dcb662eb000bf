import type { Command } from "commander";
import { badInput, type Artifact } from "../../core/index.js";
import type { GateResult } from "../../policy/index.js";
import { parseDigest, shortDigest, shortKeyId, type ArtifactVerification, type AttachmentKind, type ProvenanceFact, type SbomFact, type ScanFact } from "../../supply/index.js";
import { apiRequest, type ApiTarget } from "../api-client.js";
import type { CliContext } from "../context.js";
import { clockTime, printJson } from "../output.js";
import { attachDocument, digestInfo, readDocument, signRelease } from "../supply-client.js";

/** `slipway artifact sign|verify|show|attach`: what is known about an artifact, by digest (or SERVICE@VERSION). */
export function registerArtifactSupplyCommands(artifact: Command, ctx: CliContext): void {
  artifact
    .command("sign")
    .description("sign a release statement about the artifact (binding its provenance and SBOM) with a private key")
    .argument("<artifact>", "sha256:DIGEST, or SERVICE@VERSION")
    .requiredOption("--key <file>", "the private key file (NAME.key)")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { key: string; json?: boolean }) => {
      const hex = await resolveDigest(ctx.target(), ref);
      const { result, predicate, keyId } = await signRelease(ctx.target(), hex, opts.key);
      if (opts.json) return printJson({ ...result, predicate }, ctx.out);
      const bound = [predicate.provenance ? "provenance" : "", predicate.sbom ? "SBOM" : ""].filter(Boolean);
      ctx.out.write(`signed sha256:${hex} with ${shortKeyId(keyId)}${bound.length ? ` (binding its ${bound.join(" and ")})` : ""}; ${result.created ? "attached" : "already attached"}\n`);
    });

  artifact
    .command("attach")
    .description("attach documents to an artifact: a vulnerability report, an SBOM, provenance or a signature envelope")
    .argument("<artifact>", "sha256:DIGEST, or SERVICE@VERSION")
    .option("--scan <file>", "a vulnerability report (SARIF, Grype or Trivy JSON)")
    .option("--sbom <file>", "an SBOM (CycloneDX JSON or SPDX 2.3 JSON)")
    .option("--provenance <file>", "SLSA v1 provenance (statement or DSSE envelope)")
    .option("--signature <file>", "a DSSE envelope signed by a registered key")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: Partial<Record<"scan" | "sbom" | "provenance" | "signature", string>> & { json?: boolean }) => {
      const wanted = (["provenance", "sbom", "scan", "signature"] as AttachmentKind[]).filter((k) => opts[k] !== undefined);
      if (wanted.length === 0) throw badInput("nothing to attach", { hint: "give --scan FILE, --sbom FILE, --provenance FILE or --signature FILE" });
      const docs = await Promise.all(wanted.map(async (k) => [k, await readDocument(opts[k]!, k)] as const));
      const hex = await resolveDigest(ctx.target(), ref);
      const results = [];
      for (const [kind, text] of docs) results.push({ kind, ...(await attachDocument(ctx.target(), hex, kind, text)) });
      if (opts.json) return printJson(results, ctx.out);
      for (const r of results) ctx.out.write(`${r.created ? "attached" : "already attached"} ${r.kind} to sha256:${hex}: ${brief(r.kind, r.attachment.summary)}\n`);
    });

  artifact
    .command("show")
    .description("an artifact and everything attached to it: provenance, SBOM, signatures, scans")
    .argument("<artifact>", "sha256:DIGEST, or SERVICE@VERSION")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const hex = await resolveDigest(ctx.target(), ref);
      const result = await apiRequest<ArtifactVerification & { ok: boolean }>(ctx.target(), "GET", `/artifacts/by-digest/sha256:${hex}/verify`);
      if (opts.json) return printJson({ ...(await digestInfo(ctx.target(), hex)), verification: result }, ctx.out);
      ctx.out.write(formatVerification(result, null));
    });

  artifact
    .command("verify")
    .description("verify an artifact now: stored bytes, signatures (with --key: as signed_by would), provenance, SBOM, scans; exit 1 unless it holds up")
    .argument("<artifact>", "sha256:DIGEST, or SERVICE@VERSION")
    .option("--key <name>", "a key whose signature is required (repeatable), as signed_by", (v: string, p: string[] = []) => [...p, v])
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { key?: string[]; json?: boolean }) => {
      const hex = await resolveDigest(ctx.target(), ref);
      const query = opts.key?.length ? `?keys=${encodeURIComponent(opts.key.join(","))}` : "";
      const result = await apiRequest<ArtifactVerification & { ok: boolean; signaturesGate: GateResult | null }>(ctx.target(), "GET", `/artifacts/by-digest/sha256:${hex}/verify${query}`);
      if (opts.json) printJson(result, ctx.out);
      else ctx.out.write(formatVerification(result, result.signaturesGate) + (result.ok ? "verified\n" : "NOT verified\n"));
      if (!result.ok) ctx.setExitCode(1);
    });
}

/** `sha256:…` or bare hex, or SERVICE@VERSION looked up on the server. */
export async function resolveDigest(target: ApiTarget, ref: string): Promise<string> {
  const at = ref.lastIndexOf("@");
  if (at <= 0 || ref.startsWith("sha256:")) return parseDigest(ref);
  const [service, version] = [ref.slice(0, at), ref.slice(at + 1)];
  const { artifacts } = await apiRequest<{ artifacts: Artifact[] }>(target, "GET", `/artifacts/${encodeURIComponent(service)}`);
  const found = artifacts.find((a) => a.version === version);
  if (!found) throw badInput(`${service} has no artifact ${version}`, { hint: `list them: slipway artifact list --service ${service}` });
  return found.digest;
}

function brief(kind: AttachmentKind, summary: unknown): string {
  const s = summary as Record<string, unknown>;
  if (kind === "scan") return scanLine(s as unknown as ScanFact);
  if (kind === "sbom") return `${String(s.format)} ${String(s.specVersion)}, ${String(s.components)} components`;
  if (kind === "provenance") return `builder ${String(s.builderId)}${s.commit ? `, commit ${String(s.commit).slice(0, 12)}` : ""}`;
  return `signed by ${(s.keys as string[]).join(", ")}`;
}

const scanLine = (s: Pick<ScanFact, "tool" | "counts">) => `${s.tool}: ${s.counts.critical} critical, ${s.counts.high} high, ${s.counts.medium} medium, ${s.counts.low} low`;

/** The verification as a person reads it: one section per kind of fact. */
export function formatVerification(v: ArtifactVerification, gate: GateResult | null): string {
  const lines: string[] = [];
  const names = v.artifacts.map((a) => `${a.service} ${a.version}${a.commit ? ` (commit ${a.commit.slice(0, 12)})` : ""}`).join(", ");
  lines.push(`artifact sha256:${v.digest}`, `  pushed as   ${names}`);
  lines.push(`  bytes       ${v.blob.ok ? "ok" : "TAMPERED"}: ${v.blob.detail}`);
  const sigs = v.facts.signatures;
  lines.push(`  signatures  ${sigs.length === 0 ? "none" : sigs.map((s) => `${s.verified ? "ok" : "no"}: ${s.detail}`).join("\n              ")}`);
  lines.push(`  provenance  ${provenanceLine(v.facts.provenance)}`);
  lines.push(`  sbom        ${sbomLine(v.facts.sbom)}`);
  lines.push(`  scans       ${v.facts.scans.length === 0 ? "none" : v.facts.scans.map((s) => `${scanLine(s)} (${clockTime(s.uploadedAt)})`).join("\n              ")}`);
  if (gate) lines.push(`  signed_by   ${gate.passed ? "pass" : "refuse"}: ${gate.facts}${gate.remedy ? `\n              remedy: ${gate.remedy}` : ""}`);
  return lines.join("\n") + "\n";
}

function provenanceLine(p: ProvenanceFact | null): string {
  if (!p) return "none";
  const source = p.repository ? ` from ${p.repository}${p.ref ? ` ${p.ref}` : ""}${p.commit ? ` @${p.commit.slice(0, 12)}` : ""}` : "";
  return `SLSA v1 by ${p.builderId}${p.invocationId ? ` (run ${p.invocationId})` : ""}${source}; ${p.signedBy.length ? `vouched for by ${p.signedBy.join(", ")}` : "not signed"}`;
}

function sbomLine(s: SbomFact | null): string {
  if (!s) return "none";
  return `${s.format === "cyclonedx" ? `CycloneDX ${s.specVersion}` : s.specVersion}, ${s.components} components (${shortDigest(s.docDigest)}); ${s.signedBy.length ? `vouched for by ${s.signedBy.join(", ")}` : "not signed"}`;
}
