import { copyFile, rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { badInput, conflict, newId, systemClock, type Artifact, type Clock } from "../core/index.js";
import { validateArchive } from "./archive-safety.js";
import { getArtifact, insertArtifact, type HasDb } from "./artifact-repo.js";
import { commitBlob, exists, sha256File, tmpPath } from "./blob-store.js";
import { checkServiceName, checkVersion, formatDigest, shortDigest } from "./names.js";
import { packDirectory } from "./pack.js";

/** What `slipway artifact push` sends. */
export interface PushArtifactInput {
  /** A directory (packed deterministically) or a .tgz / .tar.gz file (stored as-is). */
  path: string;
  /** How messages name the archive (default: the path; the API names the upload, never a server path). */
  label?: string;
  service: string;
  version: string;
  commit?: string | null;
  author?: string | null;
}

export interface PushArtifactResult {
  artifact: Artifact;
  /** False when the same service, version and digest were already stored. */
  created: boolean;
}

/**
 * Stores an artifact content-addressed under `<dataDir>/artifacts/sha256/` and records it.
 * Versions are immutable: pushing the same bytes again is a no-op (created: false); pushing
 * different bytes under an existing version is a conflict. Archives are checked for entries
 * that would escape the artifact directory before anything is recorded.
 */
export async function pushArtifact(store: HasDb, dataDir: string, input: PushArtifactInput, clock: Clock = systemClock): Promise<PushArtifactResult> {
  checkServiceName(input.service);
  checkVersion(input.version);
  const tmp = await stageArchive(dataDir, input.path, input.label ?? input.path);
  try {
    const sizeBytes = (await stat(tmp)).size;
    const digest = await sha256File(tmp);
    const existing = await getArtifact(store, input.service, input.version);
    if (existing) return { artifact: await sameOrConflict(existing, digest, dataDir, tmp), created: false };
    await commitBlob(dataDir, tmp, digest);
    const artifact: Artifact = {
      id: newId(),
      service: input.service,
      version: input.version,
      digest,
      commit: input.commit ?? null,
      author: input.author ?? null,
      sizeBytes,
      createdAt: clock.now(),
    };
    try {
      await insertArtifact(store, artifact);
    } catch (err) {
      // Lost a race with a concurrent push of the same version: judge against the winner.
      const winner = await getArtifact(store, input.service, input.version);
      if (!winner) throw err;
      return { artifact: await sameOrConflict(winner, digest, dataDir, tmp), created: false };
    }
    return { artifact, created: true };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Copies or packs the input into a checked tmp archive in the store, and returns its path. */
async function stageArchive(dataDir: string, path: string, label: string): Promise<string> {
  const source = resolve(path);
  const info = await stat(source).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") throw badInput(`${path} does not exist`, { hint: "give a build output directory or a .tgz file" });
    throw err;
  });
  const isTgz = info.isFile() && /\.(tgz|tar\.gz)$/i.test(source);
  if (!info.isDirectory() && !isTgz) {
    throw badInput(`${path} is neither a directory nor a .tgz / .tar.gz file`, { hint: "push a build output directory or a gzip-compressed tar" });
  }
  const tmp = await tmpPath(dataDir);
  try {
    if (info.isDirectory()) await packDirectory(source, tmp);
    else await copyFile(source, tmp);
    await validateArchive(tmp, label);
    return tmp;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * An existing (service, version) accepts the push only if the bytes are the same. The blob is
 * restored from the new upload if it went missing from disk, since the bytes are proven equal.
 */
async function sameOrConflict(existing: Artifact, digest: string, dataDir: string, tmp: string): Promise<Artifact> {
  if (existing.digest !== digest) {
    throw conflict(
      `${existing.service} ${existing.version} already exists with digest ${shortDigest(existing.digest)} (pushed ${new Date(existing.createdAt).toISOString()}); versions are immutable`,
      {
        hint: "push under a new version",
        details: { existingDigest: formatDigest(existing.digest), pushedDigest: formatDigest(digest) },
      },
    );
  }
  if (await exists(tmp)) await commitBlob(dataDir, tmp, digest);
  return existing;
}
