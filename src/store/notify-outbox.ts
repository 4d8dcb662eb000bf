import type { Selectable } from "kysely";
import type { Dialect } from "./database.js";
import type { Db, NotifyOutboxTable } from "./schema.js";

/**
 * The notification outbox. Rows are enqueued together with the cursor move that produced them
 * (one transaction), claimed with a lease like deployments are (SKIP LOCKED on PostgreSQL), and
 * end `delivered` or `dead` (the dead-letter list).
 */

export type OutboxRow = Selectable<NotifyOutboxTable>;
export type OutboxState = "pending" | "delivered" | "dead";

export interface NewOutboxRow {
  id: string;
  eventSeq: number;
  destination: string;
  kind: string;
  targetJson: string;
  event: string;
  service: string | null;
  environment: string | null;
  subject: string;
  messageJson: string;
  at: number;
}

const CURSOR = "outbox";

export async function getNotifyCursor(db: Db): Promise<number> {
  const row = await db.selectFrom("notify_cursor").select("last_seq").where("name", "=", CURSOR).executeTakeFirst();
  return row ? Number(row.last_seq) : 0;
}

/**
 * Inserts the rows (an existing (event, destination) pair is left alone) and moves the cursor
 * forward to `seq`, never back: call it inside one transaction so both happen or neither.
 * Returns how many rows were new.
 */
export async function enqueueAndAdvance(db: Db, rows: readonly NewOutboxRow[], seq: number): Promise<number> {
  let added = 0;
  // In slices: one statement per slice, within both databases' bound-parameter limits.
  for (let i = 0; i < rows.length; i += 200) {
    const res = await db
      .insertInto("notify_outbox")
      .values(rows.slice(i, i + 200).map(toRow))
      .onConflict((oc) => oc.columns(["event_seq", "destination"]).doNothing())
      .executeTakeFirst();
    added += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  await db.updateTable("notify_cursor").set({ last_seq: seq }).where("name", "=", CURSOR).where("last_seq", "<", seq).execute();
  return added;
}

const toRow = (r: NewOutboxRow) => ({
  id: r.id,
  event_seq: r.eventSeq,
  destination: r.destination,
  kind: r.kind,
  target_json: r.targetJson,
  event: r.event,
  service: r.service,
  environment: r.environment,
  subject: r.subject,
  message_json: r.messageJson,
  state: "pending",
  attempts: 0,
  next_at: r.at,
  created_at: r.at,
  updated_at: r.at,
});

export interface OutboxClaim {
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
}

/** Claims up to `limit` due, unleased pending rows for `owner`; of racing instances each row goes to one. */
export async function claimOutboxRows(db: Db, dialect: Dialect, req: OutboxClaim): Promise<OutboxRow[]> {
  let candidates = db
    .selectFrom("notify_outbox")
    .select("id")
    .where("state", "=", "pending")
    .where("next_at", "<=", req.now)
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", req.now)]))
    .orderBy("next_at")
    .orderBy("id")
    .limit(req.limit);
  if (dialect === "postgres") candidates = candidates.forUpdate().skipLocked();
  return db
    .updateTable("notify_outbox")
    .set({ lease_owner: req.owner, lease_until: req.now + req.leaseMs })
    .where("id", "in", candidates)
    // Checked again on the row: SQLite has no row locks, and the subquery's view may be stale.
    .where("state", "=", "pending")
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", req.now)]))
    .returningAll()
    .execute();
}

export type DeliveryOutcome =
  | { result: "delivered"; at: number }
  | { result: "retry"; at: number; nextAt: number; error: string }
  | { result: "dead"; at: number; error: string };

/** Records one attempt's outcome, only while `owner` still holds the row; false when it no longer did. */
export async function recordDeliveryAttempt(db: Db, id: string, owner: string, outcome: DeliveryOutcome): Promise<boolean> {
  const base = { lease_owner: null, lease_until: null, updated_at: outcome.at };
  const set =
    outcome.result === "delivered"
      ? { ...base, state: "delivered", delivered_at: outcome.at, last_error: null }
      : outcome.result === "retry"
        ? { ...base, next_at: outcome.nextAt, last_error: outcome.error }
        : { ...base, state: "dead", last_error: outcome.error };
  const res = await db
    .updateTable("notify_outbox")
    .set((eb) => ({ ...set, attempts: eb("attempts", "+", 1) }))
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export interface ListOutboxOptions {
  state?: OutboxState;
  limit?: number;
}

export async function listOutboxRows(db: Db, options: ListOutboxOptions = {}): Promise<OutboxRow[]> {
  let q = db.selectFrom("notify_outbox").selectAll();
  if (options.state) q = q.where("state", "=", options.state);
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(options.limit ?? 100).execute();
}

export async function getOutboxRow(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom("notify_outbox").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Puts a dead row back in the queue with a fresh attempt budget; false when it is not dead. */
export async function requeueDeadRow(db: Db, id: string, now: number): Promise<boolean> {
  const res = await db
    .updateTable("notify_outbox")
    .set({ state: "pending", attempts: 0, next_at: now, lease_owner: null, lease_until: null, updated_at: now })
    .where("id", "=", id)
    .where("state", "=", "dead")
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Rows per state (the outbox depth for /metrics). */
export async function countOutboxByState(db: Db): Promise<Record<OutboxState, number>> {
  const rows = await db.selectFrom("notify_outbox").select(["state", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("state").execute();
  const out: Record<OutboxState, number> = { pending: 0, delivered: 0, dead: 0 };
  for (const r of rows) out[r.state as OutboxState] = Number(r.n);
  return out;
}
