import type { Logger } from "pino";
import { listAuditEvents } from "../audit/index.js";
import { isSlipwayError, newId, type Clock, type NotificationsConfig, type ServiceConfig } from "../core/index.js";
import { enqueueAndAdvance, getNotifyCursor, getServiceRow, type NewOutboxRow, type Store } from "../store/index.js";
import { triggerOf } from "./events.js";
import { buildMessage } from "./message.js";
import { destinationsFor, type RouteSource } from "./routes.js";

export interface EnqueueOptions {
  clock: Clock;
  /** Routes from `slipway server --notifications FILE`, applied to every service (and to events without one). */
  serverRoutes?: NotificationsConfig;
  /** The control plane's URL, for links in messages. */
  publicUrl: string | null;
  /** Audit events read per transaction. */
  batch: number;
  log?: Pick<Logger, "warn">;
}

/**
 * Reads the audit log after the notifier's cursor and turns the events that match a route into
 * outbox rows, moving the cursor in the same transaction as the inserts. A crash before the
 * commit re-reads the same events after a restart; the (event, destination) key makes that,
 * and several instances doing it at once, enqueue each message once. Returns the rows added.
 */
export async function enqueueNewEvents(store: Store, options: EnqueueOptions): Promise<number> {
  let added = 0;
  for (;;) {
    const cursor = await getNotifyCursor(store.db);
    const events = await listAuditEvents(store.db, { afterSeq: cursor, limit: options.batch });
    if (events.length === 0) return added;
    const rows: NewOutboxRow[] = [];
    const configs = new Map<string, NotificationsConfig | undefined>();
    for (const event of events) {
      const trigger = triggerOf(event);
      if (!trigger) continue;
      const sources: RouteSource[] = [];
      if (options.serverRoutes) sources.push({ scope: "server", config: options.serverRoutes });
      const serviceRoutes = trigger.service ? await serviceNotifications(store, trigger.service, configs) : undefined;
      if (serviceRoutes) sources.push({ scope: `service/${trigger.service}`, config: serviceRoutes });
      const targets = destinationsFor(sources, trigger);
      if (targets.length === 0) continue;
      const built = await buildMessage(store.db, event, trigger, options.publicUrl).catch((err: unknown) => {
        // A deployment that does not exist will not appear on a retry: skip the event rather than stall every later one.
        if (isSlipwayError(err) && err.code === "not_found") return undefined;
        throw err;
      });
      if (!built) {
        options.log?.warn({ seq: event.seq, subject: event.subject }, "notification skipped: the event names a deployment that does not exist");
        continue;
      }
      const message = JSON.stringify(built);
      const at = options.clock.now();
      for (const t of targets) {
        rows.push({ id: newId(), eventSeq: event.seq, destination: t.id, kind: t.destination.type, targetJson: JSON.stringify(t.destination), event: trigger.name, service: trigger.service, environment: trigger.environment, subject: event.subject, messageJson: message, at });
      }
    }
    const last = events[events.length - 1]!.seq;
    added += await store.db.transaction().execute((trx) => enqueueAndAdvance(trx, rows, last));
    if (events.length < options.batch) return added;
  }
}

async function serviceNotifications(store: Store, service: string, cache: Map<string, NotificationsConfig | undefined>): Promise<NotificationsConfig | undefined> {
  if (!cache.has(service)) {
    const row = await getServiceRow(store.db, service);
    cache.set(service, row ? (JSON.parse(row.config_json) as ServiceConfig).notifications : undefined);
  }
  return cache.get(service);
}
