import { spawn } from "node:child_process";
import { badInput, makeRedactor, type Clock, type ServiceConfig } from "../core/index.js";
import { resolveConfig } from "../secrets/index.js";
import type { PipelineStage, RunStatus } from "./types.js";

/**
 * The paved-road runner's stages: each `run` is a shell command in the service's directory,
 * with its own timeout, its output streamed (redacted) as it comes and kept for the record.
 * The first failing stage ends the run; the stages after it are skipped.
 */

type BuildConfig = NonNullable<ServiceConfig["build"]>;

/** Grace after SIGTERM before a timed-out stage's process group is killed. */
const KILL_GRACE_MS = 5_000;
/** Output kept for the run's log; a longer one keeps its end (where failures are). */
const MAX_LOG_CHARS = 32 * 1024 * 1024;

/**
 * Checks every required variable (`build.env`) and secret reference (`build.secrets`) before
 * anything runs, and names every missing one at once (bad_input). Returns the variables the
 * stages get and the values to redact from their output.
 */
export function checkBuildEnvironment(build: BuildConfig, env: Record<string, string | undefined>): { vars: Record<string, string>; secretValues: string[] } {
  const missing: string[] = [];
  const vars: Record<string, string> = {};
  for (const name of build.env) {
    const value = env[name];
    if (value === undefined || value === "") missing.push(`${name} (build.env: ${value === undefined ? "not set" : "empty"})`);
    else vars[name] = value;
  }
  for (const [name, ref] of Object.entries(build.secrets)) {
    try {
      vars[name] = resolveConfig({ [name]: ref }, env).secrets[name]!;
    } catch (err) {
      missing.push(`${name} (build.secrets: ${(err as Error).message.replace(/^config \S+: /, "")})`);
    }
  }
  if (missing.length > 0) {
    throw badInput(`${missing.length} required variable${missing.length === 1 ? " is" : "s are"} missing, so no stage ran: ${missing.join("; ")}`, {
      hint: "export them (or create the secret files) and run again",
      details: missing.map((message) => ({ message })),
    });
  }
  return { vars, secretValues: Object.values(vars) };
}

export interface StageSpec {
  name: string;
  run: string;
  timeout?: number | undefined;
}

export interface RunStagesOptions {
  cwd: string;
  /** The stages' environment (the runner's own plus build variables). */
  env: Record<string, string | undefined>;
  /** Values never to show or keep. */
  secretValues: readonly string[];
  /** Where output goes as it comes (already redacted). */
  out: NodeJS.WritableStream;
  clock: Clock;
}

export interface StagesResult {
  status: RunStatus;
  stages: PipelineStage[];
  /** Everything the stages printed, redacted, with a header line per stage. */
  log: string;
}

/** Runs the stages in order until one fails. */
export async function runStages(specs: readonly StageSpec[], options: RunStagesOptions): Promise<StagesResult> {
  const redact = makeRedactor(options.secretValues);
  const log = new LogBuffer();
  const emit = (text: string) => {
    const clean = redact(text);
    options.out.write(clean);
    log.add(clean);
  };
  const stages: PipelineStage[] = [];
  let status: RunStatus = "succeeded";
  for (const spec of specs) {
    if (status !== "succeeded") {
      stages.push({ name: spec.name, status: "skipped", startedAt: null, finishedAt: null, durationMs: null, detail: "an earlier stage failed" });
      continue;
    }
    emit(`==> stage ${spec.name}: ${spec.run}\n`);
    const stage = await runStage(spec, options, emit);
    emit(`==> stage ${spec.name} ${stage.status} in ${((stage.durationMs ?? 0) / 1000).toFixed(1)}s${stage.detail ? ` (${stage.detail})` : ""}\n`);
    stages.push(stage);
    if (stage.status !== "succeeded") status = "failed";
  }
  return { status, stages, log: log.text() };
}

function runStage(spec: StageSpec, options: RunStagesOptions, emit: (text: string) => void): Promise<PipelineStage> {
  const startedAt = options.clock.now();
  return new Promise((resolve) => {
    // Its own process group, so a timeout stops everything the command started.
    const child = spawn("/bin/sh", ["-c", spec.run], { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const lines = [new LineSplitter(emit), new LineSplitter(emit)];
    child.stdout.on("data", (c: Buffer) => lines[0]!.push(c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => lines[1]!.push(c.toString("utf8")));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = spec.timeout
      ? setTimeout(() => {
          timedOut = true;
          signalGroup(child.pid, "SIGTERM");
          killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
        }, spec.timeout)
      : undefined;
    const done = (code: number | null, error?: string) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      for (const l of lines) l.flush();
      const finishedAt = options.clock.now();
      const ok = !timedOut && !error && code === 0;
      const detail = timedOut ? `timed out after ${formatMs(spec.timeout!)}` : error ? error : code === 0 ? null : `exit code ${code ?? "none (killed by a signal)"}`;
      resolve({ name: spec.name, status: ok ? "succeeded" : "failed", startedAt, finishedAt, durationMs: finishedAt - startedAt, exitCode: code, detail });
    };
    child.on("error", (err) => done(null, `could not start: ${err.message}`));
    child.on("close", (code) => done(code));
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

const formatMs = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** Passes whole lines on (so a secret split across chunks is still redacted); flushes a very long line. */
class LineSplitter {
  private pending = "";
  constructor(private readonly emit: (text: string) => void) {}
  push(text: string): void {
    this.pending += text;
    const cut = this.pending.lastIndexOf("\n");
    if (cut >= 0) {
      this.emit(this.pending.slice(0, cut + 1));
      this.pending = this.pending.slice(cut + 1);
    } else if (this.pending.length > 1024 * 1024) this.flush();
  }
  flush(): void {
    if (this.pending) this.emit(this.pending.endsWith("\n") ? this.pending : `${this.pending}\n`);
    this.pending = "";
  }
}

/** Keeps the last MAX_LOG_CHARS characters of the output. */
class LogBuffer {
  private parts: string[] = [];
  private size = 0;
  private dropped = 0;
  add(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    while (this.size > MAX_LOG_CHARS && this.parts.length > 1) {
      const first = this.parts.shift()!;
      this.size -= first.length;
      this.dropped += first.length;
    }
  }
  text(): string {
    const body = this.parts.join("");
    return this.dropped > 0 ? `[slipway: the first ${this.dropped} characters of output were not kept]\n${body}` : body;
  }
}
