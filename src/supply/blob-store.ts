import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { newId } from "../core/index.js";

/**
 * The content-addressed file store under the data directory:
 * `<dataDir>/artifacts/sha256/<digest>.tgz`, written through `<dataDir>/artifacts/tmp/`
 * (same filesystem, so the final rename is atomic and a reader never sees half a file).
 */
export function artifactPath(dataDir: string, digest: string): string {
  return join(dataDir, "artifacts", "sha256", `${digest}.tgz`);
}

/** A fresh path in the store's tmp directory (created), on the same filesystem as the blobs. */
export async function tmpPath(dataDir: string, suffix = ".tgz"): Promise<string> {
  const dir = join(dataDir, "artifacts", "tmp");
  await mkdir(dir, { recursive: true });
  return join(dir, `${newId()}${suffix}`);
}

/** sha256 hex of a file's bytes, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Moves a finished tmp file to its content address. Flushed to disk first, so a crash after
 * the rename cannot leave a named blob with missing bytes. If the blob already exists (same
 * digest, same bytes) the tmp file is simply dropped.
 */
export async function commitBlob(dataDir: string, tmpFile: string, digest: string): Promise<string> {
  const target = artifactPath(dataDir, digest);
  if (await exists(target)) {
    await rm(tmpFile, { force: true });
    return target;
  }
  const fh = await open(tmpFile, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await mkdir(join(dataDir, "artifacts", "sha256"), { recursive: true });
  await rename(tmpFile, target);
  return target;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
