import { spawn } from "node:child_process";
import type { Readable } from "node:stream";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command with `input` (text, or a stream such as a file being copied) on stdin; kills it
 * after `timeoutMs` (then code 255, like ssh's own failures).
 */
export function spawnCollect(command: string, args: string[], input: string | Readable, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\ntimed out after ${timeoutMs} ms`;
      resolve({ code: timedOut ? 255 : (code ?? 255), stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    if (typeof input === "string") child.stdin.end(input);
    else input.on("error", (err) => child.stdin.destroy(err)).pipe(child.stdin);
  });
}

