import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import type { Launch } from "../types.js";
import type { RunUser } from "./isolation.js";

/**
 * The fallback sandbox when bubblewrap is missing: util-linux `unshare` (new mount, pid, IPC
 * and UTS namespaces, a fresh /proc; as a non-root control plane also a user namespace) and a
 * small shell script that does the mounts bubblewrap would: a private /tmp, an empty tmpfs
 * over each hidden directory, the workdir bound back, `/` remounted read-only. Then the
 * command runs with no capabilities left (or as the service's user), so it cannot undo them.
 *
 * The workdir is bound from `.` (the script's current directory, entered before the hidden
 * directories are covered) without canonicalising: the kernel resolves `.` to the original
 * directory, which a path would no longer reach.
 */
const SCRIPT = [
  "set -e",
  "umask 022",
  'wd=$1; cmd=$2; uid=$3; gid=$4; shift 4',
  'cd "$wd"',
  "mount -t tmpfs -o mode=1777 tmpfs /tmp",
  'for d in "$@"; do mkdir -p "$d"; mount -t tmpfs -o mode=0755 tmpfs "$d"; done',
  'mkdir -p "$wd"',
  'mount --no-canonicalize --bind . "$wd"',
  'cd "$wd"',
  "mount -o remount,bind,ro /",
  "umask 077",
  'if [ -n "$uid" ]; then exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs -- /bin/sh -c "$cmd"; fi',
  'exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- /bin/sh -c "$cmd"',
].join("\n");

/** Namespaces: a user namespace only when we are not root (root needs none, and keeps setuid to the service's user). */
function unshareArgs(asRoot: boolean): string[] {
  return [...(asRoot ? [] : ["--map-root-user"]), "--mount", "--pid", "--ipc", "--uts", "--fork", "--mount-proc", "--propagation", "private"];
}

/** The command line that runs `command` in the unshare sandbox. */
export function unshareLaunch(command: string, workdir: string, hidden: readonly string[], user: RunUser | null): Launch {
  const asRoot = process.getuid?.() === 0;
  const ids = user ? [String(user.uid), String(user.gid)] : ["", ""];
  return {
    file: "unshare",
    args: [...unshareArgs(asRoot), "--", "/bin/sh", "-c", SCRIPT, "slipway-sandbox", resolve(workdir), command, ...ids, ...hidden.map((p) => resolve(p))],
  };
}

/** True when unshare can make the namespaces and mount a tmpfs here. */
export function unshareWorks(): boolean {
  const asRoot = process.getuid?.() === 0;
  const probe = spawnSync("unshare", [...unshareArgs(asRoot), "--", "/bin/sh", "-c", "mount -t tmpfs tmpfs /tmp"], { stdio: "ignore", timeout: 10_000 });
  return probe.status === 0;
}
