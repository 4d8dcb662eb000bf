import { WorkerPool, type Task } from "./pool.js";

let shared: WorkerPool | undefined;

/**
 * Runs a task on the process-wide pool, created on first use. One pool per process keeps the
 * number of threads bounded however many callers (API routes, archive checks) need one.
 */
export function runOffThread<T>(task: Task): Promise<T> {
  shared ??= new WorkerPool();
  return shared.run<T>(task);
}

/** Ends the shared pool's threads (tests and shutdown); the next runOffThread starts a new one. */
export async function closeSharedPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
