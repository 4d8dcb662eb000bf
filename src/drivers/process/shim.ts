/**
 * The replica supervisor ("shim"), run as its own detached process: `node shim.js <spec.json>`.
 *
 * It outlives the control plane, so a `kill -9` of the server leaves replicas serving. It runs
 * the app in its own process group, writes the app's output redacted to the log file, restarts
 * the app with back-off when it exits, keeps `state.json` current, and on SIGTERM/SIGINT stops
 * the app gracefully and exits 0. Secret values arrive only in this process's environment,
 * under the names listed in the spec; they are never written anywhere.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { createLineSplitter, openLogSink, secretRedactor, type LogSink } from "./log-sink.js";
import { isGroupAlive, signalGroup, waitFor } from "./proc.js";
import { readJson, writeJsonAtomic, type ShimPhase, type ShimSpec, type ShimState } from "./state-file.js";

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;
/** An app that ran this long before exiting counts as healthy: its next restart is quick again. */
const BACKOFF_RESET_UPTIME_MS = 30_000;
/** Variables the app inherits from the shim; everything else it gets is named in the spec. */
const BASE_ENV = ["PATH", "HOME", "LANG", "TZ"] as const;

type Shutdown = ShimSpec["shutdown"];

/** Owns the app's process group and the log file for the life of the shim. */
class Supervisor {
  private phase: ShimPhase = "starting";
  private child: ChildProcess | null = null;
  private appPgid: number | null = null;
  private restarts = 0;
  private lastExit: ShimState["lastExit"] = null;
  private backoffMs = BACKOFF_MIN_MS;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private childClosed: Promise<void> = Promise.resolve();
  private lastErrLine = "";

  constructor(
    private readonly spec: ShimSpec,
    private readonly appEnv: Record<string, string>,
    private readonly redact: (text: string) => string,
    private readonly keep: number,
    private readonly sink: LogSink,
  ) {}

  /** Starts (or restarts) the app, confined as the spec's launch says, in its own process group. */
  startApp(): void {
    this.restartTimer = null;
    if (!isDirectory(this.spec.workdir)) {
      return this.fail(`working directory ${this.spec.workdir} does not exist`);
    }
    const launch = this.spec.launch ?? { file: "/bin/sh", args: ["-c", this.spec.command] };
    const child = spawn(launch.file, launch.args, {
      cwd: this.spec.workdir,
      env: this.appEnv,
      ...(launch.uid === undefined ? {} : { uid: launch.uid }),
      ...(launch.gid === undefined ? {} : { gid: launch.gid }),
      detached: true, // own process group: one signal reaches the app and everything it forks
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.appPgid = child.pid ?? null;
    this.startedAt = Date.now();
    let gone = false;
    const onGone = (code: number | null, signal: string | null, error?: Error) => {
      if (gone) return;
      gone = true;
      this.appGone(code, signal, error);
    };
    this.childClosed = new Promise((resolve) => child.once("close", () => resolve()));
    child.once("error", (err) => {
      if (child.pid === undefined) onGone(null, null, err);
    });
    // Whatever the app left behind in its group would hold the port and the log pipes.
    child.once("exit", () => {
      if (this.phase !== "stopping" && child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    });
    child.once("close", (code, signal) => onGone(code, signal));
    if (child.stdout) this.pipe(child.stdout, "out");
    if (child.stderr) this.pipe(child.stderr, "err");
    if (child.pid !== undefined) {
      this.phase = "running";
      this.save();
    }
  }

  private pipe(stream: Readable, tag: "out" | "err"): void {
    stream.setEncoding("utf8");
    const splitter = createLineSplitter(
      (line) => {
        if (tag === "err") this.lastErrLine = line;
        this.sink.write(tag, line);
      },
      this.redact,
      { keep: this.keep },
    );
    stream.on("data", (chunk: string) => {
      splitter.push(chunk);
      // Let a chatty app block on its pipe rather than grow the shim's memory.
      if (this.sink.congested && !stream.isPaused()) {
        stream.pause();
        this.sink.onDrain(() => stream.resume());
      }
    });
    stream.on("end", () => splitter.end());
  }

  private appGone(code: number | null, signal: string | null, error?: Error): void {
    this.lastExit = { code, signal, at: Date.now() };
    this.child = null;
    if (this.phase === "stopping") return this.save();
    if (error && this.restarts === 0) return this.fail(`cannot start ${this.spec.launch?.file ?? "/bin/sh"}: ${error.message}`);
    // On the first run, sh's 127/126 mean the command does not exist or cannot run: restarting cannot help.
    if (this.restarts === 0 && (code === 127 || code === 126)) {
      const what = code === 127 ? "command not found" : "command not executable";
      return this.fail(`${what} (exit ${code}): ${this.lastErrLine || this.spec.command}`);
    }
    if (Date.now() - this.startedAt >= BACKOFF_RESET_UPTIME_MS) this.backoffMs = BACKOFF_MIN_MS;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.restarts += 1;
    const how = code !== null ? `code ${code}` : `signal ${signal ?? "unknown"}`;
    this.note(`[slipway] exited with ${how}, restart #${this.restarts} in ${delay}ms`);
    this.phase = "restarting";
    this.appPgid = null;
    this.save();
    this.restartTimer = setTimeout(() => this.startApp(), delay);
  }

  /** Graceful stop: the shutdown signal to the app's group, SIGKILL after grace, final state, exit 0. */
  async stop(): Promise<void> {
    if (this.phase === "stopping" || this.phase === "stopped" || this.phase === "failed") return;
    this.phase = "stopping";
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.save();
    // The driver may ask for a different shutdown than the spec's (stop.json, written before SIGTERM).
    const shutdown = readJson<Shutdown>(join(this.spec.stateDir, "stop.json")) ?? this.spec.shutdown;
    const pgid = this.appPgid;
    if (pgid !== null && isGroupAlive(pgid)) {
      this.note(`[slipway] stopping: ${shutdown.signal}, SIGKILL after ${shutdown.graceMs}ms`);
      signalGroup(pgid, shutdown.signal);
      if (!(await waitFor(() => !isGroupAlive(pgid), shutdown.graceMs, 50))) {
        this.note(`[slipway] still running after ${shutdown.graceMs}ms, sending SIGKILL`);
        signalGroup(pgid, "SIGKILL");
        await waitFor(() => !isGroupAlive(pgid), 5_000, 50);
      }
    }
    // Let the last output reach the log before the final line.
    await Promise.race([this.childClosed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    this.phase = "stopped";
    this.save();
    this.note("[slipway] stopped");
    await this.sink.close();
    process.exit(0);
  }

  /** Gives up: kills what is left of the app, records why, exits 1. */
  fail(message: string): void {
    if (this.appPgid !== null) signalGroup(this.appPgid, "SIGKILL");
    this.phase = "failed";
    const error = this.redact(message);
    this.save(error);
    this.note(`[slipway] cannot run the replica: ${error}`);
    void this.sink.close().then(() => process.exit(1));
  }

  private note(line: string): void {
    this.sink.write("sys", this.redact(line));
  }

  private save(error?: string): void {
    const state: ShimState = {
      shimPid: process.pid,
      appPid: this.child?.pid ?? null,
      appPgid: this.appPgid,
      state: this.phase,
      restarts: this.restarts,
      lastExit: this.lastExit,
      updatedAt: Date.now(),
      ...(error === undefined ? {} : { error }),
    };
    writeJsonAtomic(join(this.spec.stateDir, "state.json"), state);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The app's environment: a clean base, then config, then secrets, then the port. */
function appEnvironment(
  spec: ShimSpec,
  secrets: Record<string, string>,
  shimEnv: NodeJS.ProcessEnv,
): Record<string, string> {
  const base: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin" };
  for (const name of BASE_ENV) {
    const value = shimEnv[name];
    if (value !== undefined) base[name] = value;
  }
  // A confined app (another user, or a sandbox with the host read-only) cannot use the control
  // plane's home: its own working directory is the one place it may write.
  if (spec.launch) base.HOME = spec.workdir;
  return { ...base, ...spec.env, ...secrets, [spec.portEnv]: String(spec.port) };
}

function failEarly(stateDir: string, error: string): never {
  const state: ShimState = {
    shimPid: process.pid,
    appPid: null,
    appPgid: null,
    state: "failed",
    restarts: 0,
    lastExit: null,
    error,
    updatedAt: Date.now(),
  };
  writeJsonAtomic(join(stateDir, "state.json"), state);
  console.error(`slipway shim: ${error}`);
  process.exit(1);
}

function main(): void {
  const specPath = process.argv[2];
  if (!specPath) {
    console.error("usage: shim <spec.json>");
    process.exit(2);
  }
  const spec = readJson<ShimSpec>(specPath);
  if (!spec || typeof spec.command !== "string" || typeof spec.stateDir !== "string") {
    failEarly(dirname(specPath), `cannot read the replica spec ${specPath}`);
  }
  const secrets: Record<string, string> = {};
  for (const name of spec.secretNames) {
    const value = process.env[name];
    if (value === undefined) failEarly(spec.stateDir, `secret variable ${name} is missing from the shim's environment`);
    secrets[name] = value;
  }
  const { redact, longest } = secretRedactor(Object.values(secrets));
  const supervisor = new Supervisor(spec, appEnvironment(spec, secrets, process.env), redact, longest - 1, openLogSink(spec.logPath));
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void supervisor.stop());
  process.on("SIGHUP", () => {}); // no terminal to lose; never die of it
  // Dying here would orphan the app: kill its group and record why instead.
  process.on("uncaughtException", (err) => supervisor.fail(`shim crashed: ${err.message}`));
  process.on("unhandledRejection", (err) => supervisor.fail(`shim crashed: ${err instanceof Error ? err.message : String(err)}`));
  supervisor.startApp();
}

main();
