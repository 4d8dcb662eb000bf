import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { formatWait } from "./format.js";
import type { SmokeResult } from "./types.js";

/** How much output a smoke result keeps: the end of the output is where failures are explained. */
export const SMOKE_OUTPUT_LIMIT = 64 * 1024;

/**
 * Raw bytes kept beyond the limit so redaction sees whole secrets: the first bytes of the kept
 * tail may start in the middle of a secret, which no redactor can recognise. Redacting the
 * longer tail and then dropping this margin removes such a fragment, provided a secret is
 * shorter than the margin.
 */
const REDACTION_MARGIN = 16 * 1024;

/** After SIGTERM, how long a timed-out command gets before its process group is SIGKILLed. */
const KILL_GRACE_MS = 2_000;

/** Once the shell has exited, how long to wait for background children to release stdout/stderr. */
const DRAIN_MS = 500;

/** Options of {@link runSmokeCommand}. */
export interface SmokeOptions {
  cwd: string;
  /** The command's whole environment (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Applied to the output and the command line before either is returned. */
  redact?: (text: string) => string;
  signal?: AbortSignal;
  /**
   * How the command is started when it must not run with our privileges (a sandbox, another
   * user): the program and arguments that run it, and the ids to switch to. Default: `/bin/sh -c`.
   */
  launch?: { file: string; args: string[]; uid?: number; gid?: number };
}

/**
 * Runs one smoke command through `/bin/sh -c` in its own process group. Passes on exit code 0.
 * On timeout (or abort) the whole group gets SIGTERM, then SIGKILL, so a test runner's children
 * die with it. Processes the command leaves in the background are killed when it exits: a smoke
 * test must not leave anything running. Never throws for a failing command.
 */
export async function runSmokeCommand(command: string, options: SmokeOptions): Promise<SmokeResult> {
  const redact = options.redact ?? ((text: string) => text);
  const started = performance.now();
  // Twice the limit: redaction can shrink text, and the result should still fill its 64 KiB.
  const output = new TailBuffer(2 * SMOKE_OUTPUT_LIMIT + REDACTION_MARGIN);
  const end = await runInGroup(command, options, (chunk) => output.push(chunk));
  const { text, truncated } = output.redactedTail(redact);
  const detail = end.startError
    ? `could not start in ${options.cwd}: ${end.startError.message}`
    : describeExit(end, options.timeoutMs);
  return {
    ok: !end.startError && !end.timedOut && !end.cancelled && end.exitCode === 0,
    check: `smoke ${redact(command)}`,
    latencyMs: performance.now() - started,
    detail: redact(detail),
    exitCode: end.exitCode,
    signal: end.signal,
    timedOut: end.timedOut,
    output: text,
    outputTruncated: truncated,
  };
}

/** How a command's process group ended. */
interface GroupEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  startError?: Error;
}

/** Runs the command in its own process group, feeding stdout and stderr to `onOutput` as they arrive. */
function runInGroup(command: string, options: SmokeOptions, onOutput: (chunk: Buffer) => void): Promise<GroupEnd> {
  return new Promise((resolve) => {
    const launch = options.launch ?? { file: "/bin/sh", args: ["-c", command] };
    const child = spawn(launch.file, launch.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      ...(launch.uid === undefined ? {} : { uid: launch.uid }),
      ...(launch.gid === undefined ? {} : { gid: launch.gid }),
      detached: true, // its own process group, so a timeout can kill grandchildren too
      stdio: ["ignore", "pipe", "pipe"],
    });
    const state = { timedOut: false, cancelled: false, done: false };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: "timedOut" | "cancelled") => {
      state[why] = true;
      killGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop("timedOut"), options.timeoutMs);
    const onAbort = () => stop("cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);

    const finish = (exitCode: number | null, signal: string | null, startError?: Error) => {
      if (state.done) return;
      state.done = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      killGroup(child.pid, "SIGKILL"); // leftovers in the background
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode, signal, timedOut: state.timedOut, cancelled: state.cancelled, startError });
    };
    child.once("error", (err) => finish(null, null, err));
    child.once("exit", (code, signal) => {
      // 'close' waits for every holder of the pipes; a background child may hold them forever.
      const drain = setTimeout(() => finish(code, signal), DRAIN_MS);
      child.once("close", () => {
        clearTimeout(drain);
        finish(code, signal);
      });
    });
  });
}

function describeExit(end: GroupEnd, timeoutMs: number): string {
  if (end.timedOut) return `timed out after ${formatWait(timeoutMs)}; process group killed`;
  if (end.cancelled) return "cancelled; process group killed";
  if (end.signal) return `killed by ${end.signal}`;
  return end.exitCode === 0 ? "exit 0" : `exited with code ${end.exitCode}`;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

/** Keeps the last `capacity` bytes of a stream without holding the rest in memory. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.capacity) {
      this.size -= this.chunks.shift()!.length;
      this.dropped = true;
    }
  }

  /** Redacts first and cuts after, so no cut can split a secret into unrecognisable halves. */
  redactedTail(redact: (text: string) => string): { text: string; truncated: boolean } {
    let raw = Buffer.concat(this.chunks);
    let truncated = this.dropped;
    if (raw.length > this.capacity) {
      raw = raw.subarray(raw.length - this.capacity);
      truncated = true;
    }
    let text = redact(raw.toString("utf8"));
    if (truncated) text = text.slice(REDACTION_MARGIN);
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length > SMOKE_OUTPUT_LIMIT) {
      // A cut inside a multi-byte character decodes to U+FFFD; drop that half character.
      text = bytes.subarray(bytes.length - SMOKE_OUTPUT_LIMIT).toString("utf8").replace(/^\uFFFD+/, "");
      truncated = true;
    }
    return { text, truncated };
  }
}
