/**
 * Worker threads for CPU-heavy work, off the event loop: a bounded pool (pool.ts) and the
 * process-wide one (shared.ts). Generic: a task names a module and a function, so this layer
 * imports nothing above core/.
 */
export { WorkerPool, siblingModule } from "./pool.js";
export type { PoolOptions, Task } from "./pool.js";
export { closeSharedPool, runOffThread } from "./shared.js";
