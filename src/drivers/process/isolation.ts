import { spawnSync } from "node:child_process";
import { join, relative, resolve, sep } from "node:path";
import { badInput } from "../../core/errors.js";
import type { Launch } from "../types.js";
import { unshareLaunch, unshareWorks } from "./unshare-sandbox.js";

/**
 * How deployed code is confined: the command line that starts it, and the user it runs as.
 *
 * Two layers, each applied when it can be:
 * - a dedicated user (only when the control plane runs as root; see run-user.ts), so the
 *   replica cannot read what the control plane's user owns (0700 data directory, 0600 files);
 * - a sandbox (bubblewrap; util-linux unshare when bubblewrap is missing): new mount, pid and
 *   IPC namespaces, the host's file system read-only, the data directory replaced by an empty
 *   tmpfs with only the replica's own working directory bound back in, a private /tmp and
 *   /proc, so neither the database, the admin token, other services' artifacts nor the control
 *   plane's processes are visible.
 * The network is shared on purpose: the router and the health probes reach the replica on the
 * host's loopback.
 */

/** bubblewrap, util-linux unshare (the fallback), or none (then only a user of its own, if any, confines the replica). */
export type SandboxKind = "bwrap" | "unshare" | "none";
const SANDBOX_KINDS: readonly SandboxKind[] = ["bwrap", "unshare", "none"];

export type { Launch };

/** A host user that replicas run as. */
export interface RunUser {
  name: string;
  uid: number;
  gid: number;
}

/** What is confined: the shell command, where it runs, what must stay hidden, and as whom. */
export interface Confinement {
  sandbox: SandboxKind;
  command: string;
  /** The replica's working directory: the only path under a hidden directory it sees (read-write). */
  workdir: string;
  /** Directories replaced by an empty tmpfs: the data directory, and anything else that holds secrets. */
  hidden: readonly string[];
  /** The user to switch to; null keeps the caller's user. */
  user: RunUser | null;
}

const BWRAP = "bwrap";
/** The host read-only, fresh /dev and /proc, own pid, IPC and host-name namespaces (the network is shared). */
const BASE_ARGS = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid", "--unshare-ipc", "--unshare-uts"] as const;
const SETPRIV = "setpriv";

/**
 * The command line of a confined command. With a sandbox and a user, bubblewrap runs as root
 * (it needs no user namespace then and can bind paths the user could not reach) and `setpriv`
 * drops to the user inside it; without a sandbox the spawn itself switches ids (node changes
 * directory before it drops privileges, so the workdir is reachable even below a 0700 parent).
 */
export function confinedLaunch(c: Confinement): Launch {
  const shell = ["/bin/sh", "-c", c.command];
  if (c.sandbox === "none") {
    return c.user ? { file: "/bin/sh", args: shell.slice(1), uid: c.user.uid, gid: c.user.gid } : { file: "/bin/sh", args: shell.slice(1) };
  }
  if (c.sandbox === "unshare") return unshareLaunch(c.command, c.workdir, c.hidden, c.user);
  const drop = c.user ? [SETPRIV, `--reuid=${c.user.uid}`, `--regid=${c.user.gid}`, "--clear-groups", "--"] : [];
  // bubblewrap started by root keeps root's capabilities for the command (it could unmount the
  // tmpfs that hides the data directory); setpriv's switch to the user drops them otherwise.
  const capabilities = !c.user && process.getuid?.() === 0 ? ["--cap-drop", "ALL"] : [];
  return { file: BWRAP, args: [...bwrapArgs(c.workdir, c.hidden), ...capabilities, "--", ...drop, ...shell] };
}

/**
 * bubblewrap's arguments. Order matters: later mounts go over earlier ones, so the hidden
 * directories are covered after `/` is bound, and the workdir is bound back in last. Inside a
 * tmpfs the workdir's parents are created 0755 (not by our 0077 umask), so a dropped user
 * reaches it by its absolute path (node resolves its modules that way).
 * No --new-session / --die-with-parent: the app must stay in the supervisor's process group
 * (one signal stops everything) and must survive a supervisor killed with -9.
 */
export function bwrapArgs(workdir: string, hidden: readonly string[]): string[] {
  const dir = resolve(workdir);
  const args: string[] = [...BASE_ARGS];
  // A private /tmp: what other replicas (or the control plane) leave there is not shared.
  const tmpfsRoots = ["/tmp", ...hidden.map((p) => resolve(p))];
  args.push("--perms", "1777", "--tmpfs", "/tmp");
  for (const path of tmpfsRoots.slice(1)) args.push("--perms", "0755", "--tmpfs", path);
  for (const parent of parentsInside(dir, tmpfsRoots)) args.push("--perms", "0755", "--dir", parent);
  args.push("--bind", dir, dir, "--chdir", dir);
  return args;
}

/** The directories between the deepest tmpfs root that holds `dir` and `dir` itself (both excluded). */
function parentsInside(dir: string, roots: readonly string[]): string[] {
  const root = roots.filter((r) => dir.startsWith(`${r}${sep}`)).sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return [];
  const parts = relative(root, dir).split(sep).slice(0, -1);
  return parts.map((_, i) => join(root, ...parts.slice(0, i + 1)));
}

let detected: SandboxKind | undefined;

/**
 * The best sandbox this machine offers, checked once by running one: bubblewrap may be
 * installed and still refused (no unprivileged user namespaces for a non-root control plane),
 * then util-linux unshare is tried. `SLIPWAY_SANDBOX=bwrap|unshare|none` chooses instead
 * (the server warns when it runs without one).
 */
export function detectSandbox(env: NodeJS.ProcessEnv = process.env): SandboxKind {
  const chosen = env.SLIPWAY_SANDBOX;
  if (chosen && chosen !== "auto") {
    if ((SANDBOX_KINDS as readonly string[]).includes(chosen)) return chosen as SandboxKind;
    throw badInput(`SLIPWAY_SANDBOX=${chosen} is not a sandbox`, { hint: `use one of auto, ${SANDBOX_KINDS.join(", ")}` });
  }
  if (detected !== undefined) return detected;
  const probe = spawnSync(BWRAP, [...BASE_ARGS, "--", "/bin/true"], { stdio: "ignore", timeout: 10_000 });
  detected = probe.status === 0 ? "bwrap" : unshareWorks() ? "unshare" : "none";
  return detected;
}

/** Why there is no sandbox, for the warning the driver logs. */
export function noSandboxReason(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_SANDBOX === "none") return "SLIPWAY_SANDBOX=none";
  const which = spawnSync(BWRAP, ["--version"], { stdio: "ignore" });
  const bwrap = which.error ? "bubblewrap (bwrap) is not installed" : "bubblewrap cannot create namespaces here";
  return `${bwrap}, and unshare cannot either (unprivileged user namespaces disabled?)`;
}
