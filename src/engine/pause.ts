import { isCancelRequested } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { CancelRequested, type RunState } from "./run-state.js";

/** Sleeps `ms`, waking early (by throwing) when the deployment is cancelled or the run is aborted. */
export async function pause(ctx: EngineContext, run: RunState, ms: number): Promise<void> {
  const until = ctx.clock.now() + ms;
  for (;;) {
    await throwIfCancelled(ctx, run);
    const left = until - ctx.clock.now();
    if (left <= 0) return;
    await ctx.clock.sleep(Math.min(left, ctx.settings.cancelCheckMs), run.signal);
  }
}

/** Cancellation is a flag in the database, so any replica's API can cancel work another replica runs. */
export async function throwIfCancelled(ctx: EngineContext, run: RunState): Promise<void> {
  run.signal.throwIfAborted();
  if (await isCancelRequested(ctx.store.db, run.deployment.id)) throw new CancelRequested();
}
