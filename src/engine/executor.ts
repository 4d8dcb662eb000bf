import { newId } from "../core/index.js";
import { claimRunnableDeployments, releaseAllLeases, releaseLease, renewLeases } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { runDeployment } from "./runner.js";

/**
 * Claims runnable deployments with a lease and runs them. The lease is renewed by heartbeat;
 * a control plane that dies stops renewing, and any executor (this one restarted, or another
 * replica) claims the deployment once the lease has run out and resumes it. Every claim
 * carries a new fencing token: a run that lost its lease cannot record steps any more, even if
 * this same instance claims the deployment again before that run has noticed.
 */
export class Executor {
  private readonly running = new Map<string, { controller: AbortController; token: string }>();
  /** Claimed again while a run that lost the lease was still finishing: started when it ends. */
  private readonly reclaimed = new Map<string, string>();
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  private stopped = false;
  private readonly finished = new Set<Promise<unknown>>();

  constructor(private readonly ctx: EngineContext) {}

  start(): void {
    this.stopped = false;
    this.pollTimer = setInterval(() => void this.poll(), this.ctx.settings.pollMs);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.ctx.settings.heartbeatMs);
    void this.poll();
  }

  /** Wakes the executor now (e.g. right after a deployment was created). */
  nudge(): void {
    void this.poll();
  }

  /** Stops claiming work, aborts what runs, and gives the leases back so another executor can resume at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.heartbeatTimer);
    for (const { controller } of this.running.values()) controller.abort(new Error("control plane shutting down"));
    await Promise.allSettled([...this.finished]);
    await releaseAllLeases(this.ctx.store.db, this.ctx.store.dialect, this.ctx.instanceId);
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    if (this.polling) {
      // A nudge during a poll must not be lost: the poll may have read before the new work existed.
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        const token = newId();
        const claimed = await claimRunnableDeployments(this.ctx.store.db, this.ctx.store.dialect, {
          owner: this.ctx.instanceId,
          token,
          node: this.ctx.node,
          now: this.ctx.clock.now(),
          leaseMs: this.ctx.settings.leaseMs,
          limit: this.ctx.settings.claimBatch,
        });
        for (const id of claimed) {
          if (this.running.has(id)) this.reclaimed.set(id, token);
          else this.launch(id, token);
        }
      } while (this.pollAgain && !this.stopped);
    } catch (err) {
      this.ctx.log.error({ err }, "executor poll failed; retrying");
    } finally {
      this.polling = false;
    }
  }

  private launch(id: string, token: string): void {
    const controller = new AbortController();
    this.running.set(id, { controller, token });
    const work = runDeployment(this.ctx, id, { signal: controller.signal, token })
      .catch((err: unknown) => this.ctx.log.error({ err, deployment: id }, "deployment run crashed; it will be resumed"))
      .finally(async () => {
        this.running.delete(id);
        this.finished.delete(work);
        const again = this.reclaimed.get(id);
        this.reclaimed.delete(id);
        if (again !== undefined && !this.stopped) return this.launch(id, again);
        // A deployment still queued behind a lock is picked up again on a later poll (or once the lease runs out).
        if (controller.signal.aborted) return;
        await releaseLease(this.ctx.store.db, this.ctx.instanceId, id).catch((err: unknown) => this.ctx.log.warn({ err, deployment: id }, "could not give the lease back; it runs out by itself"));
      });
    this.finished.add(work);
  }

  private async heartbeat(): Promise<void> {
    // A run told its lease is lost is only finishing: it is not renewed (nor reported) again.
    const ids = [...this.running].filter(([, run]) => !run.controller.signal.aborted).map(([id]) => id);
    if (ids.length === 0) return;
    try {
      const held = await renewLeases(this.ctx.store.db, this.ctx.store.dialect, this.ctx.instanceId, ids, this.ctx.clock.now() + this.ctx.settings.leaseMs);
      this.ctx.counters.leaseRenewals += held.size;
      this.ctx.counters.leasesLost += ids.length - held.size;
      for (const id of ids) {
        if (held.has(id)) continue;
        this.ctx.log.warn({ deployment: id }, "lease lost (renewed too late?): another instance may have resumed the deployment; stopping here");
        this.running.get(id)?.controller.abort(new Error("lease lost"));
      }
    } catch (err) {
      this.ctx.log.error({ err }, "lease heartbeat failed");
    }
  }
}
