import { execFile } from "node:child_process";
import { chmod, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { failed } from "../../core/errors.js";
import type { RunUser } from "./isolation.js";

const run = promisify(execFile);

/**
 * Hands a replica's working directory to the user it runs as, so the app can write there
 * (and nobody else's replicas can). Once per unpacked artifact: a directory the user already
 * owns is left alone. `-h` changes links themselves, never what they point to.
 */
export async function giveTo(workdir: string, user: RunUser): Promise<void> {
  const info = await stat(workdir);
  if (info.uid === user.uid && info.gid === user.gid) return;
  try {
    await run("chown", ["-hR", `${user.uid}:${user.gid}`, "--", workdir]);
  } catch (err) {
    throw failed(`cannot hand ${workdir} to the user ${user.name}: ${(err as Error).message.trim()}`, { hint: "the control plane must run as root to run replicas as other users" });
  }
}

/**
 * Without a sandbox, a replica's user reaches its workdir only through the real path, and node
 * resolves its modules by absolute path: the directories from the data directory down to the
 * workdir get search permission for others (0711: enter, not list). Everything in them stays
 * the control plane's and private (0600 files, 0700 directories beside the path).
 */
export async function openPathTo(dataDir: string, workdir: string): Promise<void> {
  const rel = relative(dataDir, workdir);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return;
  const parts = rel.split(sep).slice(0, -1);
  for (let i = 0; i <= parts.length; i++) {
    const dir = join(dataDir, ...parts.slice(0, i));
    const info = await stat(dir);
    if ((info.mode & 0o011) !== 0o011) await chmod(dir, (info.mode & 0o777) | 0o011);
  }
}
