import * as tar from "tar";
import { badInput } from "../core/index.js";

/** One archive entry as the safety check sees it. */
export interface ArchiveEntry {
  path: string;
  type: string;
  linkpath?: string;
}

const ALLOWED = new Set(["File", "OldFile", "ContiguousFile", "Directory", "SymbolicLink", "Link"]);
const KIND: Record<string, string> = {
  CharacterDevice: "a character device",
  BlockDevice: "a block device",
  FIFO: "a FIFO",
};
/** Symlink hops followed while resolving one path before calling it a loop (Linux uses 40). */
const MAX_HOPS = 40;

/**
 * Reads every entry header of a .tgz (no extraction) and refuses anything unsafe; see
 * checkEntries. `label` names the archive in messages. Corrupt or non-gzip-tar input is
 * refused too: in strict mode node-tar turns every parse warning into an error.
 */
export async function validateArchive(file: string, label: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (e) => entries.push({ path: e.path, type: e.type, linkpath: e.linkpath }),
    });
  } catch (err) {
    throw badInput(`${label} is not a readable .tgz archive: ${(err as Error).message}`, {
      cause: err,
      hint: "push a directory, or a gzip-compressed tar file (tar czf app.tgz -C build .)",
    });
  }
  if (entries.length === 0) throw badInput(`${label} is an empty archive`, { hint: "an artifact needs at least one file" });
  checkEntries(entries);
  return entries;
}

/**
 * Refuses entries that could write or point outside the extraction root: absolute paths, `..`
 * segments, symlinks and hard links whose target resolves outside (following the archive's
 * own symlinks, as the filesystem would once they are extracted), entries written through a
 * symlink that leads outside, and device or FIFO entries. The error names the entry.
 */
export function checkEntries(entries: readonly ArchiveEntry[]): void {
  const links = new Map<string, string>();
  for (const e of entries) {
    if (e.type === "SymbolicLink" && e.linkpath !== undefined) links.set(segments(e.path).join("/"), e.linkpath);
  }
  for (const e of entries) checkEntry(e, links);
}

function checkEntry(e: ArchiveEntry, links: ReadonlyMap<string, string>): void {
  const hint = "rebuild the archive with paths relative to its root and links that stay inside it";
  if (!ALLOWED.has(e.type)) {
    throw badInput(`archive entry ${e.path} is ${KIND[e.type] ?? `of unsupported type ${e.type}`}; artifacts may contain only files, directories and links`, { hint });
  }
  if (isAbsolute(e.path)) throw badInput(`archive entry ${e.path} has an absolute path and would escape the artifact directory`, { hint });
  const parts = segments(e.path);
  if (parts.includes("..")) {
    const escapes = lexicalEscapes(parts);
    throw badInput(
      escapes ? `archive entry ${e.path} would escape the artifact directory` : `archive entry ${e.path} contains a '..' segment`,
      { hint },
    );
  }
  if (resolve([], parts.slice(0, -1), links, e.path) === null) {
    throw badInput(`archive entry ${e.path} would be written through a symlink that leads outside the artifact directory`, { hint });
  }
  if (e.type !== "SymbolicLink" && e.type !== "Link") return;
  const target = e.linkpath ?? "";
  const what = e.type === "Link" ? "a hard link" : "a symlink";
  if (target === "" || isAbsolute(target)) {
    throw badInput(`archive entry ${e.path} is ${what} to ${target || "nothing"}, which would escape the artifact directory`, { hint });
  }
  // A symlink's target is relative to its own directory; a hard link's to the archive root.
  const base = e.type === "Link" ? [] : resolve([], parts.slice(0, -1), links, e.path);
  if (base === null || resolve(base, segments(target), links, e.path) === null) {
    throw badInput(`archive entry ${e.path} is ${what} to ${target}, which would escape the artifact directory`, { hint });
  }
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p);
}

function segments(p: string): string[] {
  return p.split("/").filter((s) => s !== "" && s !== ".");
}

function lexicalEscapes(parts: readonly string[]): boolean {
  let depth = 0;
  for (const s of parts) {
    depth += s === ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * Resolves `rest` from directory `start` (both as segments from the root), substituting the
 * archive's symlinks along the way. Returns the resolved segments, or null if the path leaves
 * the root at any point.
 */
function resolve(start: readonly string[], rest: readonly string[], links: ReadonlyMap<string, string>, entry: string): string[] | null {
  const out = [...start];
  const queue = [...rest];
  let hops = 0;
  while (queue.length > 0) {
    const seg = queue.shift() as string;
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(seg);
    const target = links.get(out.join("/"));
    if (target === undefined) continue;
    if (++hops > MAX_HOPS) throw badInput(`archive entry ${entry} goes through a symlink loop`);
    if (isAbsolute(target)) return null;
    out.pop();
    queue.unshift(...target.split("/"));
  }
  return out;
}
