import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { childExecArgv } from "../core/exec-argv.js";
import { badInput, SlipwayError, unavailable, type ErrorCode } from "../core/errors.js";

/** A call to run in a worker: an exported async or plain function of a module, with cloneable arguments. */
export interface Task {
  /** file: URL of the module (see siblingModule). */
  module: string;
  fn: string;
  args: unknown[];
}

export interface PoolOptions {
  /** Worker threads at most (default: one less than the cores, at least 1, at most 4). */
  size?: number;
  /** Tasks waiting for a worker at most; more are refused as busy (503) rather than queued without end. */
  maxQueued?: number;
  /** A task running longer is stopped (its worker terminated) and refused. */
  timeoutMs?: number;
  /** Heap of one worker, in MiB: a task that needs more fails alone instead of taking the server down. */
  maxHeapMb?: number;
}

interface Pending {
  task: Task;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** The serialised form of an error thrown in a worker. */
export interface WorkerError {
  name: string;
  message: string;
  code?: string;
  hint?: string;
  details?: unknown;
}

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const ENTRY = new URL(`./entry${FROM_SOURCE ? ".ts" : ".js"}`, import.meta.url);
/**
 * Loads the entry. From src/ (under tsx) the worker registers tsx first: Node 20 does not
 * apply `--import` loaders of the parent to worker threads. Only dynamic import(), which
 * works whether the parent's flags (--input-type) make eval code CommonJS or ESM.
 */
const BOOTSTRAP = `import("node:worker_threads").then(async ({ workerData }) => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
});`;

/**
 * A small, bounded pool of worker threads for CPU-heavy checks (linting a slipway.yaml,
 * reading an archive, triaging a large log), so the event loop that answers /healthz and
 * drives deployments never waits on them. Owns its threads: close() ends them. Idle workers
 * do not keep the process alive.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly size: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.maxQueued = options.maxQueued ?? 64;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.maxHeapMb = options.maxHeapMb ?? 512;
  }

  run<T>(task: Task): Promise<T> {
    if (this.closed) return Promise.reject(unavailable("the server is shutting down"));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(unavailable(`the server is busy with ${this.queue.length + this.size} checks; try again shortly`, { hint: "retry in a few seconds" }));
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(unavailable("the server is shutting down"));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.busy) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      slot.worker.ref();
      slot.timer = setTimeout(() => this.fail(slot, badInput(`checking this input took longer than ${formatSeconds(this.timeoutMs)} and was stopped`, { hint: "send a smaller input" })), this.timeoutMs);
      slot.worker.postMessage(pending.task);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: ENTRY.href, tsx: FROM_SOURCE ? import.meta.resolve("tsx/esm/api") : undefined },
      // As for compiled JavaScript: the bootstrap registers tsx itself when it is needed.
      execArgv: childExecArgv("entry.js"),
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    });
    const slot: Slot = { worker, busy: undefined, timer: undefined };
    worker.unref();
    worker.on("message", (msg: { ok: true; value: unknown } | { ok: false; error: WorkerError }) => {
      const pending = this.finish(slot);
      if (!pending) return;
      if (msg.ok) pending.resolve(msg.value);
      else pending.reject(rebuildError(msg.error));
      this.dispatch();
    });
    worker.on("error", (err: Error & { code?: string }) => {
      const outOfMemory = err.code === "ERR_WORKER_OUT_OF_MEMORY";
      this.fail(slot, outOfMemory ? badInput(`checking this input needed more than ${this.maxHeapMb} MiB of memory and was stopped`, { hint: "send a smaller input" }) : err);
    });
    worker.on("exit", () => this.fail(slot, unavailable("a worker thread ended unexpectedly; try again")));
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): Pending | undefined {
    const pending = slot.busy;
    slot.busy = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.worker.unref();
    return pending;
  }

  /** Rejects the slot's task and replaces its worker (it may be stuck, or dead). */
  private fail(slot: Slot, err: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const pending = this.finish(slot);
    void slot.worker.terminate();
    pending?.reject(err);
    if (!this.closed) this.dispatch();
  }
}

function rebuildError(e: WorkerError): Error {
  if (e.name === "SlipwayError" && e.code) return new SlipwayError(e.code as ErrorCode, e.message, { hint: e.hint, details: e.details });
  return Object.assign(new Error(e.message), { name: e.name });
}

/**
 * The file: URL of the module `name` next to the caller (`import.meta.url`), with the caller's
 * own extension, so the same call works from src/ under tsx and from dist/.
 */
export function siblingModule(importMetaUrl: string, name: string): string {
  const ext = importMetaUrl.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./${name}${ext}`, importMetaUrl).href;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
