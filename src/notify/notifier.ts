import type { Logger } from "pino";
import type { Clock, NotificationsConfig } from "../core/index.js";
import type { Store } from "../store/index.js";
import { DEFAULT_DELIVERY_SETTINGS, deliverDue, type DeliverySettings } from "./deliver.js";
import { enqueueNewEvents } from "./enqueue.js";

export interface NotifierOptions {
  store: Store;
  log: Logger;
  clock: Clock;
  /** This control-plane instance: the owner of the outbox leases it takes. */
  instanceId: string;
  secretSource: Record<string, string | undefined>;
  publicUrl: string | null;
  serverRoutes?: NotificationsConfig;
  /** How often the outbox is looked at when nothing signals (retries come due by time). */
  pollMs?: number;
  settings?: Partial<DeliverySettings>;
}

/**
 * The notifications worker of one control-plane instance: follows the audit log into the
 * outbox (woken by the store's append signal) and sends what is due. Owns its timer and its
 * subscription; `stop` waits for the round in flight.
 */
export class Notifier {
  private readonly settings: DeliverySettings;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private round: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {
    this.settings = { ...DEFAULT_DELIVERY_SETTINGS, ...options.settings };
  }

  start(): void {
    this.unsubscribe = this.options.store.auditSignal.subscribe({ appended: () => this.kick(), failed: (err) => this.options.log.warn({ err }, "notifier: audit signal lost; polling meanwhile") });
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 500);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }

  /** Runs a round now, or right after the one in flight. */
  kick(): void {
    if (this.stopped) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.runRound()
      .catch((err: unknown) => this.options.log.error({ err }, "notifier round failed; it runs again at the next event or poll"))
      .finally(() => {
        this.round = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async runRound(): Promise<void> {
    const { store, clock, log, publicUrl, serverRoutes } = this.options;
    await enqueueNewEvents(store, { clock, publicUrl, log, batch: 500, ...(serverRoutes ? { serverRoutes } : {}) });
    const ctx = { store, log, clock, owner: this.options.instanceId, secretSource: this.options.secretSource, settings: this.settings };
    while (!this.stopped && (await deliverDue(ctx)) === this.settings.batch);
  }
}
