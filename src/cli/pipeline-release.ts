import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { badInput, type Artifact } from "../core/index.js";
import { artifactSubjectName, buildProvenance, generateNodeSbom, packDirectory, sha256File, type BuildFacts } from "../supply/index.js";
import { apiRequest, type ApiTarget } from "./api-client.js";
import { attachDocument, signRelease } from "./supply-client.js";

/** What the runner releases after the stages passed: package, provenance, SBOM, push, sign. */

const run = promisify(execFile);

/** What git says about the checkout (null where it says nothing: not a repository, no remote). */
export interface SourceInfo {
  commit: string | null;
  ref: string | null;
  repository: string | null;
  author: string | null;
}

export async function sourceInfo(cwd: string): Promise<SourceInfo> {
  const git = async (...args: string[]) => (await run("git", args, { cwd }).catch(() => ({ stdout: "" }))).stdout.trim() || null;
  return {
    commit: await git("rev-parse", "HEAD"),
    ref: await git("symbolic-ref", "-q", "HEAD"),
    repository: withoutCredentials(await git("config", "--get", "remote.origin.url")),
    author: await git("log", "-1", "--format=%ae"),
  };
}

/** A remote URL may carry a token (https://user:token@host/…): it never goes into provenance. */
function withoutCredentials(url: string | null): string | null {
  return url ? url.replace(/^([a-z+]+:\/\/)[^@/]*@/i, "$1") : null;
}

/** The one file or directory `build.artifact` names (a path, `*` and `?` allowed in each segment). */
export async function findArtifact(cwd: string, pattern: string): Promise<string> {
  let candidates = [cwd];
  for (const segment of pattern.split("/").filter((s) => s !== "" && s !== ".")) {
    const next: string[] = [];
    const re = new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    for (const dir of candidates) {
      const entries = await readdir(dir).catch(() => [] as string[]);
      for (const name of entries.sort()) if (re.test(name)) next.push(join(dir, name));
    }
    candidates = next;
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw badInput(`build.artifact "${pattern}" matches nothing in ${cwd} after the stages ran`, { hint: "make the package stage write it there, or fix the pattern" });
  throw badInput(`build.artifact "${pattern}" matches ${candidates.length} paths: ${candidates.map((c) => relative(cwd, c)).join(", ")}`, { hint: "make the pattern name exactly one file or directory" });
}

/** The artifact as the bytes that will be pushed (a directory is packed deterministically). */
export async function packageArtifact(path: string): Promise<{ bytes: Buffer; digest: string }> {
  if ((await stat(path)).isFile()) {
    if (!/\.(tgz|tar\.gz)$/i.test(path)) throw badInput(`${path} is not a .tgz`, { hint: "build.artifact names a directory or a .tgz / .tar.gz" });
    return { bytes: await readFile(path), digest: await sha256File(path) };
  }
  const dir = await mkdtemp(join(tmpdir(), "slipway-runner-"));
  try {
    const file = join(dir, "artifact.tgz");
    await packDirectory(path, file);
    return { bytes: await readFile(file), digest: await sha256File(file) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ReleaseInput {
  target: ApiTarget;
  cwd: string;
  configFile: string;
  service: string;
  version: string;
  runId: string;
  startedAt: number;
  finishedAt: number;
  stages: { name: string; run: string }[];
  artifactPath: string;
  source: SourceInfo;
  builderId: string;
  slipwayVersion: string;
  signKey?: string | undefined;
  log: (line: string) => void;
}

/** Packages, generates provenance and (for Node projects) the SBOM, pushes, attaches, signs. Returns the digest. */
export async function release(r: ReleaseInput): Promise<string> {
  const { bytes, digest } = await packageArtifact(r.artifactPath);
  const lockFile = join(r.cwd, "package-lock.json");
  const lock = await readFile(lockFile).catch(() => null);
  const facts: BuildFacts = {
    digest,
    subjectName: artifactSubjectName(r.service, r.version),
    builderId: r.builderId,
    builderVersion: { slipway: r.slipwayVersion, node: process.version, host: hostname() },
    invocationId: r.runId,
    startedOn: r.startedAt,
    finishedOn: r.finishedAt,
    repository: r.source.repository,
    ref: r.source.ref,
    commit: r.source.commit,
    service: r.service,
    version: r.version,
    configFile: relative(r.cwd, r.configFile) || r.configFile,
    stages: r.stages,
    dependencies: lock ? [{ uri: "file:package-lock.json", sha256: createHash("sha256").update(lock).digest("hex") }] : [],
  };
  const query = new URLSearchParams({ ...(r.source.commit ? { commit: r.source.commit } : {}), ...(r.source.author ? { author: r.source.author } : {}) });
  const pushed = await apiRequest<{ artifact: Artifact; created: boolean }>(r.target, "PUT", `/artifacts/${encodeURIComponent(r.service)}/${encodeURIComponent(r.version)}?${query}`, bytes);
  r.log(`pushed ${r.service} ${r.version} sha256:${digest}${pushed.created ? "" : " (already stored)"}`);
  await attachDocument(r.target, digest, "provenance", JSON.stringify(buildProvenance(facts)));
  r.log(`attached SLSA v1 provenance (builder ${r.builderId}, run ${r.runId})`);
  if (lock) {
    const sbom = await generateNodeSbom(dirname(lockFile), { tool: { name: "slipway", version: r.slipwayVersion } });
    await attachDocument(r.target, digest, "sbom", sbom);
    r.log(`attached CycloneDX 1.6 SBOM (${(JSON.parse(sbom) as { components?: unknown[] }).components?.length ?? 0} components)`);
  } else r.log("no package-lock.json: no SBOM generated (attach one with slipway artifact attach DIGEST --sbom FILE)");
  if (r.signKey) {
    const { keyId } = await signRelease(r.target, digest, r.signKey);
    r.log(`signed the release with SHA256:${keyId.slice(0, 16)}`);
  }
  return digest;
}
