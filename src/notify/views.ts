import { conflict, notFound, type Clock } from "../core/index.js";
import { getOutboxRow, listOutboxRows, requeueDeadRow, type OutboxRow, type OutboxState, type Store } from "../store/index.js";

/** An outbox row as the API and CLI show it: no target (its secret references stay in the database). */
export interface NotificationView {
  id: string;
  event: string;
  destination: string;
  kind: string;
  service: string | null;
  environment: string | null;
  subject: string;
  state: string;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  summary: string;
}

function view(row: OutboxRow): NotificationView {
  const message = JSON.parse(row.message_json) as { summary?: string };
  return {
    id: row.id,
    event: row.event,
    destination: row.destination,
    kind: row.kind,
    service: row.service,
    environment: row.environment,
    subject: row.subject,
    state: row.state,
    attempts: row.attempts,
    nextAt: Number(row.next_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    summary: message.summary ?? "",
  };
}

export async function listNotifications(store: Store, options: { state?: OutboxState; limit?: number } = {}): Promise<NotificationView[]> {
  return (await listOutboxRows(store.db, options)).map(view);
}

/** Sends a dead-lettered notification again (a fresh attempt budget, due now). */
export async function retryNotification(store: Store, id: string, clock: Clock): Promise<NotificationView> {
  const row = await getOutboxRow(store.db, id);
  if (!row) throw notFound(`no notification ${id}`, { hint: "list the dead ones with `slipway notify failed`" });
  if (!(await requeueDeadRow(store.db, id, clock.now()))) {
    throw conflict(`notification ${id} is ${row.state}, not dead; only dead notifications are retried by hand`, { hint: row.state === "pending" ? "it is still being retried on its own" : "it was delivered" });
  }
  return view((await getOutboxRow(store.db, id))!);
}
