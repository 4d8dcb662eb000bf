import { OUTPUT_LIMIT, runCommand, type CommandEnd, type CommandLaunch } from "../exec/index.js";
import { formatWait } from "./format.js";
import type { SmokeResult } from "./types.js";

/** How much output a smoke result keeps: the end of the output is where failures are explained. */
export const SMOKE_OUTPUT_LIMIT = OUTPUT_LIMIT;

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
  launch?: CommandLaunch;
}

/**
 * Runs one smoke command through `/bin/sh -c` in its own process group (see src/exec). Passes
 * on exit code 0. A smoke test must not leave anything running: what it leaves in the
 * background is killed when it exits. Never throws for a failing command.
 */
export async function runSmokeCommand(command: string, options: SmokeOptions): Promise<SmokeResult> {
  const redact = options.redact ?? ((text: string) => text);
  const end = await runCommand(command, { ...options, redact });
  const detail = end.startError ? `could not start in ${options.cwd}: ${end.startError.message}` : describeExit(end, options.timeoutMs);
  return {
    ok: !end.startError && !end.timedOut && !end.cancelled && end.exitCode === 0,
    check: `smoke ${redact(command)}`,
    latencyMs: end.durationMs,
    detail: redact(detail),
    exitCode: end.exitCode,
    signal: end.signal,
    timedOut: end.timedOut,
    output: end.output,
    outputTruncated: end.outputTruncated,
  };
}

export function describeExit(end: Pick<CommandEnd, "timedOut" | "cancelled" | "signal" | "exitCode">, timeoutMs: number): string {
  if (end.timedOut) return `timed out after ${formatWait(timeoutMs)}; process group killed`;
  if (end.cancelled) return "cancelled; process group killed";
  if (end.signal) return `killed by ${end.signal}`;
  return end.exitCode === 0 ? "exit 0" : `exited with code ${end.exitCode}`;
}
