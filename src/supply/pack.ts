import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as tar from "tar";
import { badInput } from "../core/index.js";

/**
 * Every packed entry gets this mtime, so the archive depends only on names, contents, modes
 * and links (1980-01-01, the earliest time zip and some tar readers handle well).
 */
const FIXED_MTIME = new Date(Date.UTC(1980, 0, 1));

/**
 * Packs `dir` into a gzip tar at `outFile`, deterministically: entries in sorted order, a fixed
 * mtime, no uid/gid/user names, modes normalized (node-tar's `portable`: 0644/0755 style, the
 * executable bit kept) and a portable gzip header. The same tree therefore gives the same bytes,
 * and so the same digest, wherever it is packed with the same node-tar/zlib.
 * Symlinks are stored as links (never followed); devices, FIFOs and sockets are refused.
 */
export async function packDirectory(dir: string, outFile: string): Promise<void> {
  const paths = await listTree(dir, "");
  if (paths.length === 0) throw badInput(`directory ${dir} is empty`, { hint: "an artifact needs at least one file" });
  await tar.c(
    { file: outFile, cwd: dir, gzip: true, portable: true, mtime: FIXED_MTIME, noDirRecurse: true, strict: true },
    paths,
  );
}

/** All paths under `dir` (relative, `/`-separated), parents before children, siblings sorted. */
async function listTree(root: string, rel: string): Promise<string[]> {
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  // Sort by code units, not locale, so the order is the same on every machine.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      out.push(path, ...(await listTree(root, path)));
    } else if (e.isFile() || e.isSymbolicLink()) {
      out.push(path);
    } else {
      throw badInput(`${join(root, path)} is a ${e.isFIFO() ? "FIFO" : e.isSocket() ? "socket" : "device"}; artifacts may contain only files, directories and links`, {
        hint: "remove it from the directory you push",
      });
    }
  }
  return out;
}
