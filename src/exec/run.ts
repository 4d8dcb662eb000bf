import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/**
 * Runs one shell command line in its own process group, with a time limit, keeping the end of
 * its output with secrets redacted. Smoke tests and script targets run their commands here.
 */

/** How much output a result keeps by default: the end of the output is where failures are explained. */
export const OUTPUT_LIMIT = 64 * 1024;

/**
 * Raw bytes kept beyond the limit so redaction sees whole secrets: the first bytes of the kept
 * tail may start in the middle of a secret, which no redactor can recognise. Redacting the
 * longer tail and then dropping this margin removes such a fragment, provided a secret is
 * shorter than the margin.
 */
const REDACTION_MARGIN = 16 * 1024;

/** After SIGTERM, how long a timed-out command gets before its process group is SIGKILLed. */
export const KILL_GRACE_MS = 2_000;

/** Once the shell has exited, how long to wait for background children to release stdout/stderr. */
const DRAIN_MS = 500;

export interface CommandOptions {
  cwd: string;
  /** The command's whole environment (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** The shell that runs the command line with `-c` (default /bin/sh). */
  shell?: string;
  /** A program (and its arguments) the shell runs under, e.g. `timeout 60s`. */
  wrapper?: string[];
  /** Starts the command some other way (a sandbox, another user) instead of `[wrapper] shell -c`. */
  launch?: CommandLaunch;
  /** Applied to the output before it is returned. */
  redact?: (text: string) => string;
  /** How many bytes of output to keep (the last ones; default {@link OUTPUT_LIMIT}). */
  outputLimit?: number;
  signal?: AbortSignal;
  /** Told the process group's id right after the spawn (e.g. to record it for a later restart). */
  onSpawn?: (pid: number) => void;
}

/** How a command is started when it must not run with our privileges: the program, its arguments, the ids to switch to. */
export interface CommandLaunch {
  file: string;
  args: string[];
  uid?: number;
  gid?: number;
}

/** How a command ended, with the end of its output. */
export interface CommandEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the command could not be started at all (missing shell or directory). */
  startError?: Error;
  /** stdout and stderr interleaved in arrival order, redacted, at most the output limit. */
  output: string;
  /** True when earlier output was dropped to keep the limit. */
  outputTruncated: boolean;
  durationMs: number;
}

/**
 * Runs `command` through `shell -c` in its own process group. On timeout (or abort) the whole
 * group gets SIGTERM, then SIGKILL, so the command's children die with it. Processes it leaves
 * in the background are killed when it exits. Never throws for a failing command.
 */
export async function runCommand(command: string, options: CommandOptions): Promise<CommandEnd> {
  const redact = options.redact ?? ((text: string) => text);
  const limit = options.outputLimit ?? OUTPUT_LIMIT;
  const started = performance.now();
  // Twice the limit: redaction can shrink text, and the result should still fill its limit.
  const output = new TailBuffer(2 * limit + REDACTION_MARGIN);
  const end = await runInGroup(command, options, (chunk) => output.push(chunk));
  return { ...end, ...output.redactedTail(redact, limit), durationMs: performance.now() - started };
}

type GroupEnd = Pick<CommandEnd, "exitCode" | "signal" | "timedOut" | "cancelled" | "startError">;

/** Runs the command in its own process group, feeding stdout and stderr to `onOutput` as they arrive. */
function runInGroup(command: string, options: CommandOptions, onOutput: (chunk: Buffer) => void): Promise<GroupEnd> {
  return new Promise((resolve) => {
    const [program, ...args] = [...(options.wrapper ?? []), options.shell ?? "/bin/sh", "-c", command];
    const launch = options.launch ?? { file: program!, args };
    const child = spawn(launch.file, launch.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      ...(launch.uid === undefined ? {} : { uid: launch.uid }),
      ...(launch.gid === undefined ? {} : { gid: launch.gid }),
      detached: true, // its own process group, so a timeout can kill grandchildren too
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const state = { timedOut: false, cancelled: false, done: false };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: "timedOut" | "cancelled") => {
      if (state.timedOut || state.cancelled) return;
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
      resolve({ exitCode, signal, timedOut: state.timedOut, cancelled: state.cancelled, ...(startError ? { startError } : {}) });
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

/** Sends `signal` to a whole process group; a group that is already gone is what was wanted. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
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
  redactedTail(redact: (text: string) => string, limit: number): { output: string; outputTruncated: boolean } {
    let raw = Buffer.concat(this.chunks);
    let truncated = this.dropped;
    if (raw.length > this.capacity) {
      raw = raw.subarray(raw.length - this.capacity);
      truncated = true;
    }
    let text = redact(raw.toString("utf8"));
    if (truncated) text = text.slice(REDACTION_MARGIN);
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length > limit) {
      // A cut inside a multi-byte character decodes to U+FFFD; drop that half character.
      text = bytes.subarray(bytes.length - limit).toString("utf8").replace(/^\uFFFD+/, "");
      truncated = true;
    }
    return { output: text, outputTruncated: truncated };
  }
}
