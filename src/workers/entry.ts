import { parentPort } from "node:worker_threads";
import type { Task, WorkerError } from "./pool.js";

/** A worker of WorkerPool: runs one task at a time and answers with its value or error. */
parentPort?.on("message", (task: Task) => {
  void run(task).then((message) => parentPort?.postMessage(message));
});

async function run(task: Task): Promise<{ ok: true; value: unknown } | { ok: false; error: WorkerError }> {
  try {
    const mod = (await import(task.module)) as Record<string, unknown>;
    const fn = mod[task.fn];
    if (typeof fn !== "function") throw new Error(`${task.module} has no function ${task.fn}`);
    return { ok: true, value: await (fn as (...args: unknown[]) => unknown)(...task.args) };
  } catch (err) {
    const e = err as Error & { code?: string; hint?: string; details?: unknown };
    return { ok: false, error: { name: e.name, message: e.message, code: typeof e.code === "string" ? e.code : undefined, hint: e.hint, details: cloneable(e.details) } };
  }
}

function cloneable(value: unknown): unknown {
  try {
    return value === undefined ? undefined : structuredClone(value);
  } catch {
    return undefined;
  }
}
