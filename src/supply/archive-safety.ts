import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import * as tar from "tar";
import { badInput, tooLarge } from "../core/index.js";
import { runOffThread, siblingModule } from "../workers/index.js";
import { archiveLimits, formatBytes, type ArchiveLimits } from "./archive-limits.js";

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
 * Reads every entry header of a .tgz (no extraction) and refuses anything unsafe (see
 * checkEntries) or over the limits (see readEntries). `label` names the archive in messages.
 * Runs on a worker thread: expanding a large archive takes seconds of CPU that the event loop
 * (health checks, deployments in flight) must not wait on.
 */
export async function validateArchive(file: string, label: string, limits: ArchiveLimits = archiveLimits()): Promise<ArchiveEntry[]> {
  return runOffThread<ArchiveEntry[]>({ module: siblingModule(import.meta.url, "archive-safety"), fn: "validateArchiveHere", args: [file, label, limits] });
}

/** validateArchive on the calling thread (what the worker runs). */
export async function validateArchiveHere(file: string, label: string, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  const entries = await readEntries(file, label, limits);
  if (entries.length === 0) throw badInput(`${label} is an empty archive`, { hint: "an artifact needs at least one file" });
  checkEntries(entries);
  return entries;
}

const LIMIT_HINT = "an artifact holds what the service runs; leave build caches, data and test fixtures out (the limits are the server's SLIPWAY_MAX_ARTIFACT_* settings)";

/**
 * Streams the archive through node-tar's parser, entry data discarded as it passes, and
 * stops at the first limit crossed: compressed size (before reading), then per entry the
 * count, the path length, the size its header declares and the running expanded total. So a
 * small archive that expands to gigabytes is refused after reading a bounded amount, in
 * bounded memory. Corrupt or non-tar input is refused too (strict: every warning is an error).
 */
async function readEntries(file: string, label: string, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  const size = (await stat(file)).size;
  if (size > limits.compressedBytes) throw tooLarge(`${label} is ${formatBytes(size)}, more than the ${formatBytes(limits.compressedBytes)} an artifact may be`, { hint: LIMIT_HINT });
  const entries: ArchiveEntry[] = [];
  let expanded = 0;
  // Small reads: node-tar inflates each chunk at once, so a chunk of a bomb becomes up to ~1000 times its size in memory.
  const source = createReadStream(file, { highWaterMark: 16 * 1024 });
  return new Promise<ArchiveEntry[]>((resolve, reject) => {
    let settled = false;
    const stop = (err: unknown) => {
      if (settled) return;
      settled = true;
      source.destroy();
      parser.abort(err instanceof Error ? err : new Error(String(err)));
      reject(err);
    };
    const parser = new tar.Parser({
      strict: true,
      onReadEntry: (e) => {
        e.resume();
        if (settled) return;
        const limit = overLimit(e, entries.length + 1, (expanded += e.size ?? 0), limits, label);
        if (limit) return stop(limit);
        entries.push({ path: e.path, type: e.type, linkpath: e.linkpath });
      },
    });
    parser.on("error", (err: Error) => stop(unreadable(err, label)));
    parser.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(entries);
    });
    source.on("error", stop);
    source.on("data", (chunk) => {
      try {
        if (!parser.write(chunk as Buffer)) {
          source.pause();
          parser.once("drain", () => source.resume());
        }
      } catch (err) {
        stop(err);
      }
    });
    source.on("end", () => {
      try {
        parser.end();
      } catch (err) {
        stop(err);
      }
    });
  });
}

function overLimit(e: tar.ReadEntry, count: number, expanded: number, limits: ArchiveLimits, label: string) {
  const hint = LIMIT_HINT;
  if (count > limits.entries) return tooLarge(`${label} has more than ${limits.entries} entries`, { hint });
  const pathBytes = Buffer.byteLength(e.path);
  if (pathBytes > limits.pathBytes) return badInput(`${label} has an entry whose path is ${pathBytes} bytes long, more than ${limits.pathBytes}`, { hint: "shorten the paths inside the archive" });
  if ((e.size ?? 0) > limits.entryBytes) return tooLarge(`${label} has an entry of ${formatBytes(e.size ?? 0)} (${clip(e.path)}), more than the ${formatBytes(limits.entryBytes)} one file may be`, { hint });
  if (expanded > limits.expandedBytes) return tooLarge(`${label} expands to more than ${formatBytes(limits.expandedBytes)}`, { hint });
  return undefined;
}

function unreadable(err: Error, label: string) {
  // node-tar's own guard against compression bombs (expansion over 1000 times the input).
  if (/decompression ratio/.test(err.message)) {
    return tooLarge(`${label} expands more than 1000 times its compressed size: that is a compression bomb, not an artifact`, { cause: err, hint: LIMIT_HINT });
  }
  return badInput(`${label} is not a readable .tgz archive: ${err.message}`, { cause: err, hint: "push a directory, or a gzip-compressed tar file (tar czf app.tgz -C build .)" });
}

function clip(path: string): string {
  return path.length > 120 ? `${path.slice(0, 117)}...` : path;
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
