import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { serializeEvidenceBundle, verifyEvidenceBundle, verifyEvidenceBundleBytes, type AuditVerifyResult, type BundleVerifyResult, type EvidenceBundle } from "../../audit/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { printJson } from "../output.js";

/**
 * `slipway audit verify` (the server walks the whole chain), `audit export ID` (a deployment's
 * evidence bundle) and `audit verify-bundle FILE` (checks a bundle offline: no server at all).
 */
export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command("audit").description("the tamper-evident audit log and evidence bundles");
  audit
    .command("verify")
    .description("check every event's hash and link; exit 1 and name the first bad event if any")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const result = await apiRequest<AuditVerifyResult>(ctx.target(), "GET", "/audit/verify");
      if (opts.json) printJson(result, ctx.out);
      else if (result.ok) ctx.out.write(`audit chain ok: ${result.checked} events verified\n`);
      else {
        const bad = result.firstBad!;
        ctx.out.write(`audit chain BROKEN at event ${bad.seq}${bad.action ? ` (${bad.action}, id ${bad.id})` : ""}: ${bad.reason}\n${result.checked} events checked before it\n`);
      }
      if (!result.ok) ctx.setExitCode(1);
    });

  audit
    .command("export")
    .description("write a deployment's evidence bundle (JSON) to stdout or a file; check it later with `audit verify-bundle`")
    .argument("<id>", "deployment id")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(async (id: string, opts: { output?: string }) => {
      const bundle = await apiRequest<EvidenceBundle>(ctx.target(), "GET", `/deployments/${encodeURIComponent(id)}/evidence`);
      const text = serializeEvidenceBundle(bundle);
      if (opts.output) await writeFile(opts.output, text);
      else ctx.out.write(text);
      // Check what was received before anyone relies on it.
      const check = verifyEvidenceBundle(bundle);
      if (!check.ok) {
        ctx.err.write(`warning: the bundle the server sent does not verify:\n${check.problems.map((p) => `  - ${p}\n`).join("")}`);
        ctx.setExitCode(1);
      } else if (opts.output) {
        ctx.err.write(`wrote ${opts.output}: deployment ${id}, ${bundle.chain.events.length} chain events (${bundle.chain.evidenceSeqs.length} evidence) up to head ${bundle.chain.head.seq}\n`);
      }
    });

  audit
    .command("verify-bundle")
    .description("check an evidence bundle offline (no server): digest, every event hash and chain link, and the summary against the events. Exit 0 ok, 1 problems, 2 unreadable")
    .argument("<file>", "the bundle file, or - for stdin")
    .option("--json", "print JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      let bytes: Buffer;
      try {
        bytes = file === "-" ? await readStdin() : await readFile(file);
      } catch (err) {
        ctx.err.write(`error: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
        ctx.setExitCode(2);
        return;
      }
      const result = verifyEvidenceBundleBytes(bytes);
      if (opts.json) printJson(result, ctx.out);
      else if (result.invalid) ctx.err.write(`error: ${file}: ${result.invalid}\n`);
      else printVerification(result, ctx.out);
      ctx.setExitCode(result.invalid ? 2 : result.ok ? 0 : 1);
    });
}

function printVerification(result: BundleVerifyResult, out: NodeJS.WritableStream): void {
  const s = result.summary;
  if (result.ok && s) {
    out.write(`evidence bundle ok: deployment ${s.deployment} (${s.service} → ${s.environment})\n`);
    out.write(`  ${s.events} chain events verified (${s.evidence} of them evidence), every hash and link recomputed\n`);
    out.write(`  chain head at export: event ${s.head.seq}, hash ${s.head.hash}\n`);
    out.write(`  to anchor it, check that the live log's event ${s.head.seq} has that hash (or a copy of the head kept elsewhere)\n`);
    return;
  }
  out.write(`evidence bundle FAILED verification${s ? ` (deployment ${s.deployment})` : ""}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}\n`);
  for (const p of result.problems) out.write(`  - ${p}\n`);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
