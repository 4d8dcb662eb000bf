import type { EngineContext } from "./context.js";
import { runDeployment } from "./runner.js";

const RUNNABLE = ["queued", "awaiting_approval", "running", "verifying", "rolling_back"];

/**
 * Claims runnable deployments with a lease and runs them. The lease is renewed by heartbeat;
 * a control plane that dies stops renewing, and any executor (this one restarted, or another
 * replica) claims the deployment once the lease has run out and resumes it.
 */
export class Executor {
  private readonly running = new Map<string, AbortController>();
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private polling = false;
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
    for (const controller of this.running.values()) controller.abort(new Error("control plane shutting down"));
    await Promise.allSettled([...this.finished]);
    await this.ctx.store.db
      .updateTable("deployments")
      .set({ lease_owner: null, lease_until: null })
      .where("lease_owner", "=", this.ctx.instanceId)
      .execute();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const id of await this.findRunnable()) {
        if (this.stopped || this.running.has(id)) continue;
        if (await this.claim(id)) this.launch(id);
      }
    } catch (err) {
      this.ctx.log.error({ err }, "executor poll failed; retrying");
    } finally {
      this.polling = false;
    }
  }

  private async findRunnable(): Promise<string[]> {
    const now = this.ctx.clock.now();
    const rows = await this.ctx.store.db
      .selectFrom("deployments")
      .select("id")
      .where("state", "in", RUNNABLE)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .where((eb) => eb.or([eb("not_before", "is", null), eb("not_before", "<=", now)]))
      .orderBy("id")
      .limit(20)
      .execute();
    return rows.map((r) => r.id);
  }

  /** A conditional update: of several executors racing for a deployment, exactly one wins. */
  private async claim(id: string): Promise<boolean> {
    const now = this.ctx.clock.now();
    const result = await this.ctx.store.db
      .updateTable("deployments")
      .set({ lease_owner: this.ctx.instanceId, lease_until: now + this.ctx.settings.leaseMs })
      .where("id", "=", id)
      .where("state", "in", RUNNABLE)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private launch(id: string): void {
    const controller = new AbortController();
    this.running.set(id, controller);
    const work = runDeployment(this.ctx, id, controller.signal)
      .catch((err: unknown) => this.ctx.log.error({ err, deployment: id }, "deployment run crashed; it will be resumed"))
      .finally(async () => {
        this.running.delete(id);
        this.finished.delete(work);
        if (!controller.signal.aborted) await this.release(id);
      });
    this.finished.add(work);
  }

  /** Gives the lease back; a deployment still queued behind a lock is picked up on a later poll. */
  private async release(id: string): Promise<void> {
    await this.ctx.store.db
      .updateTable("deployments")
      .set({ lease_owner: null, lease_until: null })
      .where("id", "=", id)
      .where("lease_owner", "=", this.ctx.instanceId)
      .execute();
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    const until = this.ctx.clock.now() + this.ctx.settings.leaseMs;
    try {
      await this.ctx.store.db
        .updateTable("deployments")
        .set({ lease_until: until })
        .where("id", "in", ids)
        .where("lease_owner", "=", this.ctx.instanceId)
        .execute();
      const owned = await this.ctx.store.db.selectFrom("deployments").select("id").where("id", "in", ids).where("lease_owner", "=", this.ctx.instanceId).execute();
      const still = new Set(owned.map((r) => r.id));
      for (const id of ids) if (!still.has(id)) this.running.get(id)?.abort(new Error("lease lost"));
    } catch (err) {
      this.ctx.log.error({ err }, "lease heartbeat failed");
    }
  }
}
