/**
 * Test helper (run as a child process by run.test.ts): runs a hanging command through the
 * script driver, prints its process group id, and waits to be killed with kill -9, as a
 * control plane that dies mid-command would be.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { runScriptCommand } from "./run.js";

const [cwd, timeoutMs] = process.argv.slice(2) as [string, string];
void runScriptCommand(
  { name: "deploy", command: "exec sleep 600", shell: "/bin/sh", cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, timeoutMs: Number(timeoutMs), retries: 0, backoffMs: 10, redact: (t) => t },
  { sleep: (ms) => sleep(ms), now: () => Date.now(), onSpawn: (pid) => void process.stdout.write(`${pid}\n`) },
);
