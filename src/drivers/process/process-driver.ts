import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { failed } from "../../core/errors.js";
import { makeRedactor } from "../../core/redact.js";
import { findListenPort } from "../../net/index.js";
import type { Driver, Placement, PlacementRequest, ReplicaHandle, ReplicaSpec, ReplicaStatus } from "../types.js";
import { confinedLaunch, detectSandbox, type Launch, type RunUser, type SandboxKind } from "./isolation.js";
import { spawnShim } from "./launch.js";
import { commandLineOf, isGroupAlive, isProcessAlive, signalGroup, signalProcess, waitFor } from "./proc.js";
import { replicaUser } from "./run-user.js";
import { readJson, readState, replicaPaths, writeJsonAtomic, type ReplicaPaths, type ShimSpec, type ShimState } from "./state-file.js";
import { giveTo, openPathTo } from "./workdir-owner.js";

/** Options of the process driver. */
export interface ProcessDriverOptions {
  /** Slipway's data directory; replicas keep their spec and state under `<dataDir>/replicas/<id>/`. */
  dataDir: string;
  /** The address replicas listen on (default 127.0.0.1). */
  host?: string;
  /** How long start() waits for the shim to report the app started. Default 10 s. */
  startTimeoutMs?: number;
  /** The sandbox replicas run in; default: the best this machine offers (detectSandbox). */
  sandbox?: SandboxKind;
  /** Users `run.user` may name, by service (the operator's allow-list); others are refused. */
  runUsers?: Readonly<Record<string, readonly string[]>>;
  /** More directories replicas must not see (the data directory always is hidden). */
  hidden?: readonly string[];
  /** Whether replicas get users of their own; default: when this process runs as root. */
  separateUsers?: boolean;
}

/** What confines one command of a service: where it runs, and the `run.user` it asks for. */
export interface ConfineRequest {
  service: string;
  user?: string | undefined;
  workdir: string;
  command: string;
}

type Shutdown = ReplicaSpec["shutdown"];

/** Time the shim gets beyond the grace period to stop the app, write its state and exit. */
const STOP_MARGIN_MS = 5_000;
/** After SIGKILL a process is gone almost at once; this only bounds the wait. */
const KILL_WAIT_MS = 5_000;
const FINAL_STATES: ReadonlySet<ShimState["state"]> = new Set(["stopped", "failed"]);
/** How long a port handed out stays reserved here: the replica binds it within its start-up. */
const PLACED_PORT_HOLD_MS = 120_000;

/**
 * Runs replicas as local processes, each under a detached shim, so replicas survive the
 * control plane and are found again from `<dataDir>/replicas/<id>/state.json`.
 */
export class ProcessDriver implements Driver {
  readonly name = "process";
  readonly scope = "node";
  private readonly dataDir: string;
  private readonly host: string;
  private readonly startTimeoutMs: number;
  /** Ports recently handed out, by when: concurrent deployments must not be given the same one. */
  private readonly placed = new Map<number, number>();
  readonly sandbox: SandboxKind;
  readonly separateUsers: boolean;
  private readonly runUsers: Readonly<Record<string, readonly string[]>>;
  private readonly hidden: readonly string[];

  constructor(options: ProcessDriverOptions) {
    this.dataDir = resolve(options.dataDir);
    this.host = options.host ?? "127.0.0.1";
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    this.sandbox = options.sandbox ?? detectSandbox();
    this.separateUsers = options.separateUsers ?? process.getuid?.() === 0;
    this.runUsers = options.runUsers ?? {};
    this.hidden = [this.dataDir, ...(options.hidden ?? []).map((p) => resolve(p))];
  }

  /**
   * How a command of a service runs with less privilege than the control plane: as the
   * service's user (when we are root; its workdir handed to it) and in the sandbox.
   * Replicas start this way; the engine runs smoke commands this way too.
   */
  async confine(request: ConfineRequest): Promise<Launch> {
    const user: RunUser | null = this.separateUsers ? await replicaUser(request.service, request.user, this.runUsers) : null;
    if (user) await giveTo(request.workdir, user);
    if (user && this.sandbox === "none") await openPathTo(this.dataDir, resolve(request.workdir));
    return confinedLaunch({ sandbox: this.sandbox, command: request.command, workdir: resolve(request.workdir), hidden: this.hidden, user });
  }

  /** A `run.user` the operator did not allow (or that does not exist) is refused before anything starts. */
  async checkUser(service: string, user: string | undefined): Promise<void> {
    if (this.separateUsers && user !== undefined) await replicaUser(service, user, this.runUsers);
  }

  /**
   * Every replica runs on this machine, on a port free now, outside the kernel's ephemeral
   * range (see findListenPort), and not one this driver handed out moments ago.
   */
  async place(request?: PlacementRequest): Promise<Placement> {
    const now = Date.now();
    for (const [port, at] of this.placed) if (now - at > PLACED_PORT_HOLD_MS) this.placed.delete(port);
    const taken = new Set([...this.placed.keys(), ...(request?.occupied ?? []).filter((o) => o.host === this.host).map((o) => o.port)]);
    const port = await findListenPort(this.host, taken);
    this.placed.set(port, now);
    return { host: this.host, port };
  }

  /**
   * Starts a replica and resolves once its shim runs the app. Idempotent: a replica with this
   * id whose shim is still alive is returned as it is.
   */
  async start(spec: ReplicaSpec): Promise<ReplicaHandle> {
    const paths = replicaPaths(this.dataDir, spec.id);
    const existing = readState(paths.state);
    if (existing && isOurShim(existing.shimPid, spec.id) && !FINAL_STATES.has(existing.state)) {
      const stored = readJson<ShimSpec>(paths.spec);
      return { id: spec.id, pid: existing.shimPid, host: spec.host, port: stored?.port ?? spec.port, logPath: stored?.logPath ?? spec.logPath };
    }
    if (!isDirectory(spec.workdir)) {
      throw failed(`cannot start replica ${spec.id}: working directory ${spec.workdir} does not exist`, {
        hint: "unpack the artifact before starting a replica of it",
      });
    }
    const launch = await this.confine({ service: spec.service, user: spec.user, workdir: spec.workdir, command: spec.command });
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    rmSync(paths.state, { force: true });
    rmSync(paths.stop, { force: true });
    writeJsonAtomic(paths.spec, shimSpecOf(spec, paths, launch));
    const child = spawnShim(paths.spec, paths.shimLog, spec.secrets);
    let exited = false;
    child.once("exit", () => (exited = true));
    child.once("error", () => (exited = true));
    const redact = makeRedactor(Object.values(spec.secrets));
    const state = await this.awaitStarted(spec.id, paths, redact, () => exited || !isProcessAlive(child.pid ?? -1));
    return { id: spec.id, pid: state.shimPid, host: spec.host, port: spec.port, logPath: spec.logPath };
  }

  private async awaitStarted(
    id: string,
    paths: ReplicaPaths,
    redact: (text: string) => string,
    shimGone: () => boolean,
  ): Promise<ShimState> {
    let state: ShimState | null = null;
    let gone = false;
    const settled = () => {
      state = readState(paths.state);
      gone = shimGone();
      return gone || (state !== null && state.state !== "starting");
    };
    await waitFor(settled, this.startTimeoutMs);
    const final = state as ShimState | null;
    if (final && (final.state === "running" || final.state === "restarting")) return final;
    if (final?.state === "failed") {
      throw failed(`replica ${id} could not start: ${final.error ?? "unknown error"}`, { hint: `see ${paths.dir}` });
    }
    await killReplicaTree(this.dataDir, id);
    if (gone) {
      throw failed(`replica ${id} could not start: its supervisor exited: ${redact(tailOf(paths.shimLog))}`, {
        hint: `see ${paths.shimLog}`,
      });
    }
    throw failed(`replica ${id} did not report a running app within ${this.startTimeoutMs}ms`, {
      hint: `see ${paths.shimLog}; the machine may be overloaded`,
    });
  }

  /** Graceful stop through the shim; whatever is left after grace (or of an orphaned app) is killed. Idempotent. */
  async stop(handle: ReplicaHandle, shutdown: Shutdown): Promise<void> {
    const paths = replicaPaths(this.dataDir, handle.id);
    const before = readState(paths.state);
    const shimPid = before?.shimPid ?? handle.pid;
    const supervised = isOurShim(shimPid, handle.id);
    if (supervised) {
      writeJsonAtomic(paths.stop, shutdown);
      signalProcess(shimPid, "SIGTERM");
      if (!(await waitFor(() => !isProcessAlive(shimPid), shutdown.graceMs + STOP_MARGIN_MS, 50))) {
        signalProcess(shimPid, "SIGKILL");
        await waitFor(() => !isProcessAlive(shimPid), KILL_WAIT_MS, 50);
      }
    }
    const after = readState(paths.state);
    const pgid = after?.appPgid ?? null;
    // A shim that wrote a final state already saw its app's group gone.
    if (pgid === null || (after && FINAL_STATES.has(after.state)) || !isGroupAlive(pgid)) return;
    if (!supervised) {
      // The shim died earlier (kill -9): give the orphaned app the graceful stop it would have had.
      signalGroup(pgid, shutdown.signal);
      if (await waitFor(() => !isGroupAlive(pgid), shutdown.graceMs, 50)) return;
    }
    signalGroup(pgid, "SIGKILL");
    await waitFor(() => !isGroupAlive(pgid), KILL_WAIT_MS, 50);
  }

  /** What the shim last reported, checked against whether the shim is still alive. */
  async status(handle: ReplicaHandle): Promise<ReplicaStatus> {
    const state = readState(replicaPaths(this.dataDir, handle.id).state);
    const restarts = state?.restarts ?? 0;
    const lastExit = state?.lastExit ?? null;
    if (!state || FINAL_STATES.has(state.state) || !isOurShim(state.shimPid, handle.id)) {
      return { state: "exited", restarts, lastExit };
    }
    return { state: state.state === "restarting" ? "restarting" : "running", restarts, lastExit };
  }
}

/**
 * Kills a replica's shim and the app's process group with SIGKILL, for the engine's sweep of
 * orphans after a restart. Resolves true when something was still running.
 */
export async function killReplicaTree(dataDir: string, replicaId: string): Promise<boolean> {
  const paths = replicaPaths(resolve(dataDir), replicaId);
  const state = readState(paths.state);
  if (!state) return false;
  let killed = false;
  if (isOurShim(state.shimPid, replicaId)) {
    killed = signalProcess(state.shimPid, "SIGKILL");
    await waitFor(() => !isProcessAlive(state.shimPid), KILL_WAIT_MS, 25);
  }
  const last = readState(paths.state) ?? state;
  const pgid = last.appPgid;
  if (pgid !== null && !FINAL_STATES.has(last.state) && isGroupAlive(pgid)) {
    killed = signalGroup(pgid, "SIGKILL") || killed;
    await waitFor(() => !isGroupAlive(pgid), KILL_WAIT_MS, 25);
  }
  return killed;
}

/** Ids of every replica with a directory under `<dataDir>/replicas`, for sweeping those the database does not know. */
export function listReplicaIds(dataDir: string): string[] {
  try {
    return readdirSync(resolve(dataDir, "replicas"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** The shim spec: the replica spec without secret values, only their names. */
function shimSpecOf(spec: ReplicaSpec, paths: ReplicaPaths, launch: Launch): ShimSpec {
  return {
    id: spec.id,
    command: spec.command,
    workdir: resolve(spec.workdir),
    portEnv: spec.portEnv,
    port: spec.port,
    env: spec.env,
    secretNames: Object.keys(spec.secrets),
    logPath: resolve(spec.logPath),
    shutdown: spec.shutdown,
    stateDir: paths.dir,
    launch,
  };
}

/** A pid is this replica's shim only while its command line names the replica's spec (pids get reused). */
function isOurShim(pid: number, replicaId: string): boolean {
  if (!isProcessAlive(pid)) return false;
  const cmdline = commandLineOf(pid);
  return cmdline === null || cmdline.includes(`/replicas/${replicaId}/spec.json`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function tailOf(path: string): string {
  try {
    const text = readFileSync(path, "utf8").trim();
    return text.slice(-1_000) || "no output";
  } catch {
    return "no output";
  }
}

export { isProcessAlive };
