import { sql, type Kysely, type Transaction } from "kysely";
import { badInput, failed, newId, systemClock, type Clock } from "../core/index.js";
import { AUDIT_CHANNEL_PREFIX, type Database, type Dialect } from "../store/index.js";
import { canonicalJson, hashEvent } from "./canonical.js";
import type { AuditEvent, AuditEventInput } from "./types.js";

/** `noun.verb` (more dots allowed), lower case with underscores: `deployment.state_changed`. */
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/** Printable, no whitespace: `deployment/01J…`, `service/hello`, `artifact/hello@1.2.0`. */
const SUBJECT = /^\S{1,300}$/;

/**
 * Appends one event to the hash chain and returns it as stored.
 *
 * Appends are serialized through the single `audit_head` row, so concurrent writers (and
 * replicas sharing a PostgreSQL database) never fork the chain: the head is locked, the new
 * event is linked to it, inserted, and the head moved, all in one transaction. Pass the
 * caller's Transaction to make the event commit (or roll back) together with the change it
 * records; given a plain Kysely handle, a transaction is started here.
 */
export async function appendAuditEvent(
  db: Kysely<Database> | Transaction<Database>,
  dialect: Dialect,
  input: AuditEventInput,
  clock: Clock = systemClock,
): Promise<AuditEvent> {
  const checked = validate(input);
  if (db.isTransaction) return appendLocked(db as Transaction<Database>, dialect, checked, clock);
  return db.transaction().execute((trx) => appendLocked(trx, dialect, checked, clock));
}

interface CheckedInput {
  actor: string;
  action: string;
  subject: string;
  payloadJson: string;
  payload: unknown;
}

function validate(input: AuditEventInput): CheckedInput {
  if (typeof input.actor !== "string" || input.actor.trim() === "" || input.actor.length > 200) {
    throw badInput(`audit actor must be a non-empty name of at most 200 characters, got ${JSON.stringify(input.actor)}`);
  }
  if (typeof input.action !== "string" || !ACTION.test(input.action)) {
    throw badInput(`audit action ${JSON.stringify(input.action)} is not a noun.verb name`, {
      hint: "use lower-case names like deployment.created or deployment.state_changed",
    });
  }
  if (typeof input.subject !== "string" || !SUBJECT.test(input.subject)) {
    throw badInput(`audit subject ${JSON.stringify(input.subject)} must be 1-300 characters without spaces`, {
      hint: "use kind/id, e.g. deployment/01J2… or service/hello",
    });
  }
  // Store exactly what will be hashed, and hash what a verifier will parse back: the payload
  // after one canonical round trip (Dates become strings, undefined members disappear).
  const payloadJson = canonicalJson(input.payload ?? null);
  return { actor: input.actor, action: input.action, subject: input.subject, payloadJson, payload: JSON.parse(payloadJson) };
}

async function appendLocked(trx: Transaction<Database>, dialect: Dialect, input: CheckedInput, clock: Clock): Promise<AuditEvent> {
  const head = await lockHead(trx, dialect);
  const event = {
    id: newId(),
    seq: head.last_seq + 1,
    at: clock.now(),
    actor: input.actor,
    action: input.action,
    subject: input.subject,
    payload: input.payload,
  };
  const hash = hashEvent(head.last_hash, event);
  // seq is assigned here, under the head lock, rather than by the column default: it is part
  // of the hash, so it must be known before the row exists.
  await trx
    .insertInto("audit_events")
    .values({
      seq: event.seq,
      id: event.id,
      at: event.at,
      actor: event.actor,
      action: event.action,
      subject: event.subject,
      payload_json: input.payloadJson,
      prev_hash: head.last_hash,
      hash,
    })
    .execute();
  await trx.updateTable("audit_head").set({ last_hash: hash, last_seq: event.seq }).where("id", "=", 1).execute();
  // Delivered to every instance's listener when (and only if) this transaction commits.
  if (dialect === "postgres") await sql`select pg_notify(${AUDIT_CHANNEL_PREFIX} || current_schema(), ${String(event.seq)})`.execute(trx);
  return { ...event, prevHash: head.last_hash, hash };
}

/**
 * Takes the chain's write lock and reads the head under it. PostgreSQL: a row lock that other
 * transactions (in this process or another replica) wait on. SQLite: a no-op write first, so
 * this transaction holds the database write lock before it reads the head; the store's single
 * connection already serializes transactions in one process, and this keeps a second process
 * on the same file from reading a head that is about to change.
 */
async function lockHead(trx: Transaction<Database>, dialect: Dialect): Promise<{ last_hash: string; last_seq: number }> {
  if (dialect === "sqlite") {
    await trx.updateTable("audit_head").set((eb) => ({ last_seq: eb.ref("last_seq") })).where("id", "=", 1).execute();
  }
  let query = trx.selectFrom("audit_head").select(["last_hash", "last_seq"]).where("id", "=", 1);
  if (dialect === "postgres") query = query.forUpdate();
  const head = await query.executeTakeFirst();
  if (!head) {
    throw failed("the audit log's head row is missing", { hint: "open the database with Slipway so its migrations run" });
  }
  return { last_hash: head.last_hash, last_seq: Number(head.last_seq) };
}
