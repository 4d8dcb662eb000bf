import type { TargetConfig } from "../core/index.js";

/**
 * The driver interface: how a replica of a version is started, watched and stopped on a
 * target. Small verbs; a driver owns its processes (or hosts) and nothing else.
 */

export interface ReplicaSpec {
  /** Replica id (ULID); also names its log file and state directory. */
  id: string;
  service: string;
  environment: string;
  version: string;
  /** Directory the artifact was unpacked into; the command runs there (local drivers). */
  workdir: string;
  /** The artifact itself (the stored .tgz and its sha256), for drivers that ship it elsewhere. */
  artifact: { path: string; digest: string };
  /** The environment's target (a remote driver's hosts and how to reach them). */
  target: TargetConfig;
  /** Run through `/bin/sh -c`. */
  command: string;
  /** `run.user`: the host user to run as when the control plane is root (allowed by the operator). */
  user?: string;
  /** Name of the variable that carries the port (e.g. PORT). */
  portEnv: string;
  /** Where it runs: the placement the driver chose (`place`). */
  host: string;
  port: number;
  /** Plain (non-secret) variables from the environment's `config`. */
  env: Record<string, string>;
  /** Resolved secret values by variable name: passed to the process, redacted from its logs, never written to disk. */
  secrets: Record<string, string>;
  /** File that receives the replica's stdout and stderr, secret values redacted. */
  logPath: string;
  shutdown: { signal: NodeJS.Signals; graceMs: number };
}

/** What is needed to find a replica again, also after the control plane restarted. */
export interface ReplicaHandle {
  id: string;
  /** pid of the supervisor that owns the replica's process group. */
  pid: number;
  host: string;
  port: number;
  logPath: string;
  /** The target the replica was started on, when recorded: how a remote driver reaches it again. */
  target?: TargetConfig | undefined;
}

export interface ReplicaStatus {
  /** running: supervisor alive and app process up; restarting: app crashed and is being restarted with back-off; exited: supervisor gone. */
  state: "running" | "restarting" | "exited";
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
}

/** Where the next replica of a version runs: a host, and a port free there. */
export interface Placement {
  host: string;
  port: number;
}

/** What a driver knows when it places a replica: what already runs in the environment. */
export interface PlacementRequest {
  service: string;
  environment: string;
  version: string;
  target: TargetConfig;
  /** Replicas of the environment that are starting, running or stopping (any version). */
  occupied: readonly { host: string; port: number; version: string; state?: string }[];
}

/** The drivers this build knows, by the name `target.driver` gives. */
export type DriverName = "process" | "ssh";

export interface Driver {
  readonly name: DriverName;
  /**
   * "node": replicas are local to the machine (and data directory) of the instance that started
   * them, so only that node's instances can manage them; "cluster": any instance reaches them.
   */
  readonly scope: "node" | "cluster";
  /** Chooses where the next replica runs. */
  place(request: PlacementRequest): Promise<Placement>;
  start(spec: ReplicaSpec): Promise<ReplicaHandle>;
  /** Graceful stop: the spec's shutdown signal, then SIGKILL after the grace period. Idempotent. */
  stop(handle: ReplicaHandle, shutdown: { signal: NodeJS.Signals; graceMs: number }): Promise<void>;
  status(handle: ReplicaHandle): Promise<ReplicaStatus>;
  /** Releases what the driver holds open (e.g. ssh master connections); replicas keep running. */
  close?(): Promise<void>;
  /**
   * How another command of the service (a smoke test) runs with the replicas' privileges:
   * same user, same sandbox. Drivers whose commands do not run here leave it out.
   */
  confine?(request: { service: string; user?: string | undefined; workdir: string; command: string }): Promise<Launch>;
  /** Refuses, when a deployment is created, a `run.user` that start would refuse. */
  checkUser?(service: string, user: string | undefined): Promise<void>;
}

/** How to start one confined command: program, arguments, and the ids it runs as (unset: the caller's). */
export interface Launch {
  file: string;
  args: string[];
  uid?: number;
  gid?: number;
}

/** The drivers of one control plane, created on first use; an unknown name is a clear error. */
export interface DriverSet {
  get(name: string): Driver;
  /** Closes every driver created so far. */
  close(): Promise<void>;
}
