import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
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
