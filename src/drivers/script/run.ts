import { execFileSync } from "node:child_process";
import { runCommand, KILL_GRACE_MS, type CommandEnd } from "../../exec/index.js";
import { clearOutputFile, takeOutputs } from "./outputs.js";

/**
 * The script driver: an environment is deployed by the team's own command lines (helm,
 * kubectl, terraform, …). A command is a real child process in its own process group, with
 * the variables a deployment provides; exit 0 is success, 75 (EX_TEMPFAIL) "try again" and is
 * run again with back-off, anything else is a failure. A command that outlives its timeout is
 * killed (SIGTERM to the group, then SIGKILL).
 */

/** Exit code meaning "temporary failure, try again" (sysexits.h EX_TEMPFAIL). */
export const EXIT_RETRY = 75;

export type ScriptCommandName = "deploy" | "status" | "verify" | "rollback";

export interface ScriptCommandSpec {
  name: ScriptCommandName;
  /** The command line, run with `shell -c`. */
  command: string;
  shell: string;
  /** Where it runs: the unpacked artifact. */
  cwd: string;
  /** Its whole environment (secrets included: they are redacted from what comes back). */
  env: Record<string, string>;
  timeoutMs: number;
  /** How often an exit 75 is run again, and the first wait (doubled each time). */
  retries: number;
  backoffMs: number;
  redact: (text: string) => string;
  signal?: AbortSignal;
  /** The file the command may write NAME=value lines to (its `SLIPWAY_OUTPUT`); emptied before each attempt. */
  outputFile?: string;
}

/** One run of a command. */
export interface ScriptAttempt {
  attempt: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** stdout and stderr interleaved, secrets redacted, the last 64 KiB at most. */
  output: string;
  outputTruncated: boolean;
  /** Set when the command could not be started (missing shell or directory). */
  startError?: string;
}

/** How a command ended after its retries. */
export interface ScriptOutcome {
  name: ScriptCommandName;
  /** The command line, secrets redacted. */
  command: string;
  outcome: "ok" | "failed" | "timed_out" | "retries_exhausted" | "cancelled";
  attempts: ScriptAttempt[];
  /** The output variables the last attempt left in its output file (see outputs.ts), redacted. */
  outputs: Record<string, string>;
}

export interface ScriptHooks {
  /**
   * Awaited before each attempt starts, with the latest the attempt can live: the place to
   * note the run (its id is in the command's environment) so a restart can find it. If it
   * throws, the attempt does not start and the error is the call's.
   */
  beforeSpawn?: (attempt: number, deadline: number) => Promise<void>;
  /** Told each attempt's process group id right after it started. */
  onSpawn?: (pid: number, attempt: number, deadline: number) => void | Promise<void>;
  /** Waits between attempts; the engine's pause, which wakes early on a cancel. */
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Runs a command until it succeeds, fails, times out or has used its retries. Never throws for a failing command. */
export async function runScriptCommand(spec: ScriptCommandSpec, hooks: ScriptHooks): Promise<ScriptOutcome> {
  const attempts: ScriptAttempt[] = [];
  const done = async (outcome: ScriptOutcome["outcome"]): Promise<ScriptOutcome> => {
    const outputs = spec.outputFile ? await takeOutputs(spec.outputFile, spec.redact) : {};
    return { name: spec.name, command: spec.redact(spec.command), outcome, attempts, outputs };
  };
  for (let attempt = 1; ; attempt++) {
    if (spec.outputFile) await clearOutputFile(spec.outputFile);
    const end = await runOnce(spec, hooks, attempt);
    attempts.push(toAttempt(end, attempt, spec.redact));
    if (end.cancelled) return done("cancelled");
    if (end.timedOut) return done("timed_out");
    if (end.exitCode === 0) return done("ok");
    if (end.exitCode !== EXIT_RETRY) return done("failed");
    if (attempt > spec.retries) return done("retries_exhausted");
    await hooks.sleep(spec.backoffMs * 2 ** (attempt - 1));
  }
}

async function runOnce(spec: ScriptCommandSpec, hooks: ScriptHooks, attempt: number): Promise<CommandEnd> {
  // The latest the command can live, even with no control plane: the wrapper's limit plus its kill grace.
  const deadline = hooks.now() + spec.timeoutMs + WRAPPER_MARGIN_MS + KILL_GRACE_MS;
  await hooks.beforeSpawn?.(attempt, deadline);
  const spawned: Promise<void>[] = [];
  const end = await runCommand(spec.command, {
    cwd: spec.cwd,
    env: spec.env,
    shell: spec.shell,
    // The `timeout` wrapper (coreutils) enforces the limit even if this control plane dies
    // mid-command, so a command left behind by a crash has a known end; it gets a second more
    // than our own timer (WRAPPER_MARGIN_MS), whose kill (and message) comes first.
    wrapper: timeoutWrapper(spec.timeoutMs),
    timeoutMs: spec.timeoutMs,
    redact: spec.redact,
    ...(spec.signal ? { signal: spec.signal } : {}),
    onSpawn: (pid) => {
      const noted = hooks.onSpawn?.(pid, attempt, deadline);
      if (noted) spawned.push(noted);
    },
  });
  await Promise.all(spawned);
  return end;
}

function toAttempt(end: CommandEnd, attempt: number, redact: (text: string) => string): ScriptAttempt {
  return {
    attempt,
    exitCode: end.exitCode,
    signal: end.signal,
    timedOut: end.timedOut,
    durationMs: Math.round(end.durationMs),
    output: end.output,
    outputTruncated: end.outputTruncated,
    ...(end.startError ? { startError: redact(end.startError.message) } : {}),
  };
}

/** How much later than our own timer the wrapper strikes (so our kill, and its clear message, comes first). */
const WRAPPER_MARGIN_MS = 1_000;

let timeoutPath: string | null | undefined;

/** `timeout -k GRACE LIMIT` when coreutils' timeout is installed (it is on Linux), else nothing. */
function timeoutWrapper(timeoutMs: number): string[] {
  if (timeoutPath === undefined) {
    try {
      timeoutPath = execFileSync("/bin/sh", ["-c", "command -v timeout"], { encoding: "utf8" }).trim() || null;
    } catch {
      timeoutPath = null;
    }
  }
  if (timeoutPath === null) return [];
  return [timeoutPath, "-k", `${Math.ceil(KILL_GRACE_MS / 1000)}s`, `${Math.ceil((timeoutMs + WRAPPER_MARGIN_MS) / 1000)}s`];
}
