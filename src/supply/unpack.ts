import { hostname } from "node:os";
import { lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import * as tar from "tar";
import { badInput, conflict, failed, newId, notFound } from "../core/index.js";
import { validateArchive } from "./archive-safety.js";
import { artifactPath, exists, sha256File } from "./blob-store.js";
import { formatDigest, parseDigest } from "./names.js";

/**
 * Name of the file, inside an unpacked artifact, that records which digest it holds. Written
 * last, inside the temporary directory, so its presence in the target means "complete".
 */
export const UNPACK_MARKER = ".slipway-artifact";

/**
 * Unpacks the stored artifact `digest` into `targetDir` and returns targetDir.
 *
 * - The stored file's sha256 is recomputed first; a mismatch is refused (`failed`).
 * - Entries are checked again (absolute, `..`, links out, devices), as at push time.
 * - Extraction goes to a sibling temporary directory that is renamed into place, so targetDir
 *   either does not exist or is complete. A second call finds the marker and returns at once.
 * - targetDir belongs to this function: an existing one without a marker (left by something
 *   that crashed) is removed and redone; one holding a different digest is a conflict.
 */
export async function unpackArtifact(dataDir: string, digest: string, targetDir: string): Promise<string> {
  const hex = parseDigest(digest);
  const target = resolve(targetDir);
  const held = await markerDigest(target);
  if (held === hex) return target;
  if (held !== undefined) {
    throw conflict(`${target} already holds artifact ${formatDigest(held)}, not ${formatDigest(hex)}`, {
      hint: "unpack each digest into its own directory",
    });
  }
  const file = await checkStoredArtifact(dataDir, hex);
  await validateArchive(file, `artifact ${formatDigest(hex)}`);
  await extractAtomically(file, hex, target);
  return target;
}

/**
 * Recomputes the sha256 of the stored blob of `digest` and returns its path. A blob that is
 * missing is not_found; one whose bytes no longer hash to its digest (a byte changed on disk)
 * is `failed`, naming the digest expected and the one found.
 */
export async function checkStoredArtifact(dataDir: string, digest: string): Promise<string> {
  const hex = parseDigest(digest);
  const file = artifactPath(dataDir, hex);
  if (!(await exists(file))) {
    throw notFound(`artifact ${formatDigest(hex)} is not in the store (${file})`, { hint: "push the artifact again" });
  }
  const found = await sha256File(file);
  if (found !== hex) {
    throw failed(`artifact ${formatDigest(hex)} is corrupted in the store: digest mismatch, expected ${formatDigest(hex)}, found ${formatDigest(found)}`, {
      hint: "push the artifact again from its build output; do not deploy this copy",
      details: { expected: formatDigest(hex), found: formatDigest(found) },
    });
  }
  return file;
}

async function markerDigest(target: string): Promise<string | undefined> {
  try {
    return (await readFile(join(target, UNPACK_MARKER), "utf8")).trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}

async function extractAtomically(file: string, hex: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await removeStalePartials(target);
  const partial = `${target}.partial-${hostname()}-${process.pid}-${newId()}`;
  try {
    await mkdir(partial);
    // preserveOwner off: as root, node-tar would otherwise chown to the archive's uid/gid.
    await tar.x({ file, cwd: partial, strict: true, preserveOwner: false });
    await checkLinksInside(partial);
    await writeFile(join(partial, UNPACK_MARKER), `${hex}\n`);
    await moveIntoPlace(partial, target, hex);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * Renames the finished partial directory to `target`. A complete target is never removed: a
 * concurrent unpack of the same digest may have put it there a moment ago, and its caller may
 * already be starting a process in it. Only a target without a marker (the remains of
 * something that crashed, since complete ones arrive by rename with their marker) is redone.
 */
async function moveIntoPlace(partial: string, target: string, hex: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(partial, target);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
      const held = await markerDigest(target);
      // Another unpack of the same digest won the rename: its result is just as good.
      if (held === hex) return;
      if (held !== undefined || attempt > 0) throw err;
      await rm(target, { recursive: true, force: true });
    }
  }
}

/** Removes `<target>.partial-<host>-<pid>-…` left by a process on this host that has died. */
async function removeStalePartials(target: string): Promise<void> {
  const prefix = `${basename(target)}.partial-${hostname()}-`;
  for (const name of await readdir(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && !isAlive(pid)) await rm(join(dirname(target), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Defence in depth after extraction: every symlink that resolves must resolve inside the
 * root on the real filesystem (validateArchive already checked the archive's own view).
 */
async function checkLinksInside(root: string): Promise<void> {
  const realRoot = await realpath(root);
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      if (!e.isSymbolicLink()) continue;
      const real = await realpath(path).catch(() => undefined);
      if (real !== undefined && real !== realRoot && !real.startsWith(realRoot + sep)) {
        throw badInput(`archive entry ${relative(root, path)} is a symlink to ${await readlink(path)}, which would escape the artifact directory`);
      }
    }
  };
  if ((await lstat(root)).isDirectory()) await walk(root);
}
