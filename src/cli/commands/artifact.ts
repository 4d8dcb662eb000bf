import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { Artifact } from "../../core/index.js";
import { badInput } from "../../core/index.js";
import { parseCommitList } from "../../insights/index.js";
import { packDirectory, shortDigest, shortKeyId, type AttachmentKind } from "../../supply/index.js";
import { apiRequest } from "../api-client.js";
import { attachDocument, readDocument, readSigningKey, signRelease } from "../supply-client.js";
import type { CliContext } from "../context.js";
import { printJson, printTable, ago } from "../output.js";

interface PushOptions {
  service: string;
  version: string;
  commit?: string;
  commitTime?: string;
  commitsFrom?: string;
  author?: string;
  provenance?: string;
  sbom?: string;
  scan?: string;
  sign?: string;
  json?: boolean;
}

async function readPushDocuments(opts: PushOptions): Promise<[AttachmentKind, string][]> {
  const docs: [AttachmentKind, string][] = [];
  if (opts.provenance) docs.push(["provenance", await readDocument(opts.provenance, "provenance")]);
  if (opts.sbom) docs.push(["sbom", await readDocument(opts.sbom, "sbom")]);
  if (opts.scan) docs.push(["scan", await readDocument(opts.scan, "scan")]);
  return docs;
}

/** The commits the artifact contains: its own (with --commit-time) and the list --commits-from names. */
async function readCommits(opts: PushOptions): Promise<{ sha: string; at: string }[]> {
  const out = new Map<string, { sha: string; at: string }>();
  if (opts.commitTime !== undefined) {
    if (!opts.commit) throw badInput("--commit-time needs --commit", { hint: "pass the sha the artifact was built from with --commit" });
    const at = Date.parse(opts.commitTime);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(opts.commitTime) || Number.isNaN(at)) throw badInput(`--commit-time "${opts.commitTime}" is not an ISO 8601 time`, { hint: "use git log -1 --format=%cI" });
    out.set(opts.commit.toLowerCase(), { sha: opts.commit.toLowerCase(), at: new Date(at).toISOString() });
  }
  if (opts.commitsFrom) {
    const text = await readFile(opts.commitsFrom, "utf8").catch((err: Error) => {
      throw badInput(`cannot read --commits-from ${opts.commitsFrom}: ${err.message}`);
    });
    for (const c of parseCommitList(text, opts.commitsFrom)) out.set(c.sha, { sha: c.sha, at: new Date(c.at).toISOString() });
  }
  return [...out.values()];
}

/**
 * `slipway artifact push|list` (here) and `sign|verify|show|attach` (artifact-supply.ts): a
 * directory is packed here (deterministically) and uploaded as .tgz.
 */
export function registerArtifactCommands(program: Command, ctx: CliContext): Command {
  const artifact = program.command("artifact").description("build artifacts: push, list, show, sign, verify, attach");

  artifact
    .command("push")
    .description("store an artifact (a directory or a .tgz) and print its digest; attach provenance, SBOM, scan and a signature with it")
    .argument("<path>", "directory or .tgz file")
    .requiredOption("--service <name>", "the service it belongs to")
    .requiredOption("--version <version>", "its version (immutable once pushed)")
    .option("--commit <sha>", "the commit it was built from")
    .option("--commit-time <iso>", "the commit's time (git log -1 --format=%cI), for lead time")
    .option("--commits-from <file>", "the other commits it contains, one `SHA ISO-TIME` a line (git log --format='%H %cI' PREVIOUS..HEAD)")
    .option("--author <email>", "the commit's author")
    .option("--provenance <file>", "SLSA v1 provenance from CI (an in-toto statement, or a DSSE envelope of one)")
    .option("--sbom <file>", "an SBOM (CycloneDX JSON or SPDX 2.3 JSON)")
    .option("--scan <file>", "a vulnerability report (SARIF, Grype or Trivy JSON)")
    .option("--sign <keyfile>", "sign the release with this private key (after the documents above are attached)")
    .option("--json", "print the artifact as JSON")
    .action(async (path: string, opts: PushOptions) => {
      // Read every document (and the key) before uploading anything: bad input fails before a byte is sent.
      const docs = await readPushDocuments(opts);
      if (opts.sign) await readSigningKey(opts.sign);
      const commits = await readCommits(opts);
      const bytes = await archiveBytes(path);
      const query = new URLSearchParams();
      if (opts.commit) query.set("commit", opts.commit);
      if (opts.author) query.set("author", opts.author);
      const uploadPath = `/artifacts/${encodeURIComponent(opts.service)}/${encodeURIComponent(opts.version)}?${query}`;
      const body = await apiRequest<{ artifact: Artifact; created: boolean }>(ctx.target(), "PUT", uploadPath, bytes);
      const attached: string[] = [];
      for (const [kind, text] of docs) {
        await attachDocument(ctx.target(), body.artifact.digest, kind, text);
        attached.push(kind);
      }
      if (commits.length > 0) {
        await apiRequest(ctx.target(), "POST", `/artifacts/${encodeURIComponent(opts.service)}/${encodeURIComponent(opts.version)}/commits`, { commits });
        attached.push(`${commits.length} commit${commits.length === 1 ? "" : "s"}`);
      }
      if (opts.sign) {
        const { keyId } = await signRelease(ctx.target(), body.artifact.digest, opts.sign);
        attached.push(`signature (${shortKeyId(keyId)})`);
      }
      if (opts.json) return printJson({ ...body, attached }, ctx.out);
      ctx.out.write(`${body.created ? "pushed" : "already stored"} ${body.artifact.service} ${body.artifact.version}\nsha256:${body.artifact.digest}\n`);
      if (attached.length > 0) ctx.out.write(`attached: ${attached.join(", ")}\n`);
    });

  artifact
    .command("list")
    .description("list a service's artifacts, newest first")
    .requiredOption("--service <name>", "the service")
    .option("--json", "print JSON")
    .action(async (opts: { service: string; json?: boolean }) => {
      const { artifacts } = await apiRequest<{ artifacts: Artifact[] }>(ctx.target(), "GET", `/artifacts/${encodeURIComponent(opts.service)}`);
      if (opts.json) return printJson(artifacts);
      printTable(
        artifacts.map((a) => ({ version: a.version, digest: shortDigest(a.digest), commit: a.commit?.slice(0, 10) ?? "-", pushed: ago(a.createdAt) })),
        ["version", "digest", "commit", "pushed"],
        ctx.out,
      );
    });
  return artifact;
}

async function archiveBytes(path: string): Promise<Buffer> {
  const full = resolve(path);
  const info = await stat(full).catch(() => {
    throw badInput(`no file or directory at ${path}`, { hint: "give the build output: a directory or a .tgz" });
  });
  if (!info.isDirectory()) return readFile(full);
  const dir = await mkdtemp(join(tmpdir(), "slipway-pack-"));
  try {
    const file = join(dir, "artifact.tgz");
    await packDirectory(full, file);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
