import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { Artifact } from "../../core/index.js";
import { badInput } from "../../core/index.js";
import { packDirectory, shortDigest } from "../../supply/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { printJson, printTable, ago } from "../output.js";

/** `slipway artifact push|list`: a directory is packed here (deterministically) and uploaded as .tgz. */
export function registerArtifactCommands(program: Command, ctx: CliContext): void {
  const artifact = program.command("artifact").description("build artifacts: push and list");

  artifact
    .command("push")
    .description("store an artifact (a directory or a .tgz) and print its digest")
    .argument("<path>", "directory or .tgz file")
    .requiredOption("--service <name>", "the service it belongs to")
    .requiredOption("--version <version>", "its version (immutable once pushed)")
    .option("--commit <sha>", "the commit it was built from")
    .option("--author <email>", "the commit's author")
    .option("--json", "print the artifact as JSON")
    .action(async (path: string, opts: { service: string; version: string; commit?: string; author?: string; json?: boolean }) => {
      const bytes = await archiveBytes(path);
      const query = new URLSearchParams();
      if (opts.commit) query.set("commit", opts.commit);
      if (opts.author) query.set("author", opts.author);
      const uploadPath = `/artifacts/${encodeURIComponent(opts.service)}/${encodeURIComponent(opts.version)}?${query}`;
      const body = await apiRequest<{ artifact: Artifact; created: boolean }>(ctx.target(), "PUT", uploadPath, bytes);
      if (opts.json) return printJson(body);
      ctx.out.write(`${body.created ? "pushed" : "already stored"} ${body.artifact.service} ${body.artifact.version}\nsha256:${body.artifact.digest}\n`);
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
