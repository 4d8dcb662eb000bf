import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { badInput } from "../../core/errors.js";
import type { Launch } from "./isolation.js";

/**
 * The files a replica keeps under `<dataDir>/replicas/<id>/`: how the shim (supervisor) and the
 * driver talk, and how a restarted control plane finds a replica again.
 */

/** What the shim is doing. `stopped` and `failed` are final; the shim exits after writing them. */
export type ShimPhase = "starting" | "running" | "restarting" | "stopping" | "stopped" | "failed";

/** `<stateDir>/state.json`, rewritten atomically by the shim on every change. */
export interface ShimState {
  shimPid: number;
  /** pid of the app's `/bin/sh`; it leads its own process group, so this is also the group id. */
  appPid: number | null;
  /** Process group of the app: kill `-appPgid` to stop it even when the shim is gone. */
  appPgid: number | null;
  state: ShimPhase;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
  /** Why the shim gave up (state `failed`); never contains a secret value. */
  error?: string;
  updatedAt: number;
}

/** `<stateDir>/spec.json`: everything the shim needs except secret values, which arrive in its environment. */
export interface ShimSpec {
  id: string;
  command: string;
  workdir: string;
  portEnv: string;
  port: number;
  env: Record<string, string>;
  /** Names of the variables that carry secrets; the values are read from the shim's own environment. */
  secretNames: string[];
  logPath: string;
  shutdown: { signal: NodeJS.Signals; graceMs: number };
  stateDir: string;
  /** How the app is started (sandbox, user); absent in specs of older versions: `/bin/sh -c command`. */
  launch?: Launch;
}

/** Paths of one replica's files. */
export interface ReplicaPaths {
  dir: string;
  spec: string;
  state: string;
  /** The shim's own stdout/stderr (its crashes), not the app's log. */
  shimLog: string;
  /** Written by the driver before SIGTERM when stop() asks for a different shutdown than the spec. */
  stop: string;
}

const REPLICA_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Where a replica's files live; refuses ids that could escape the replicas directory. */
export function replicaPaths(dataDir: string, replicaId: string): ReplicaPaths {
  if (!REPLICA_ID.test(replicaId)) {
    throw badInput(`invalid replica id "${replicaId}"`, { hint: "replica ids are ULIDs: letters, digits, '-' and '_'" });
  }
  const dir = join(dataDir, "replicas", replicaId);
  return {
    dir,
    spec: join(dir, "spec.json"),
    state: join(dir, "state.json"),
    shimLog: join(dir, "shim.log"),
    stop: join(dir, "stop.json"),
  };
}

/** Writes JSON so that a reader sees the old or the new content, never half of it. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
}

/** Reads a JSON file; null when it does not exist or cannot be parsed. */
export function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}

/** The shim's last reported state, or null when it never wrote one. */
export function readState(path: string): ShimState | null {
  return readJson<ShimState>(path);
}
