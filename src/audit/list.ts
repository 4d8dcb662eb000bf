import { sql, type Kysely, type Selectable } from "kysely";
import { badInput } from "../core/index.js";
import type { AuditEventsTable, Database } from "../store/index.js";
import type { AuditEvent } from "./types.js";

/** Filters for listAuditEvents. All are optional and combine with AND. */
export interface ListAuditOptions {
  /** Exactly this subject, e.g. `deployment/01J…`. */
  subject?: string;
  /** Subjects starting with this, e.g. `deployment/` or `service/hello`. Case-sensitive on both databases. */
  subjectPrefix?: string;
  /** Exactly this action, e.g. `deployment.state_changed`. */
  action?: string;
  /** Exactly this actor (a token's name, or "engine"). */
  actor?: string;
  /** Only events with seq > afterSeq (SSE resume: the last seq the client saw). */
  afterSeq?: number;
  /** Only events with seq < beforeSeq (paging backwards). */
  beforeSeq?: number;
  /** Only events at or after this time (UTC ms). */
  since?: number;
  /** Only events before this time (UTC ms). */
  until?: number;
  /** Default 100, at most 1000. */
  limit?: number;
  /** "asc" (oldest first, the default: timelines and SSE) or "desc" (newest first). */
  order?: "asc" | "desc";
}

export const MAX_AUDIT_PAGE = 1000;

/** Reads events by subject, seq and time; seq order, one page at a time. */
export async function listAuditEvents(db: Kysely<Database>, options: ListAuditOptions = {}): Promise<AuditEvent[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) {
    throw badInput(`limit must be an integer from 1 to ${MAX_AUDIT_PAGE}, got ${limit}`);
  }
  let q = db.selectFrom("audit_events").selectAll();
  if (options.subject !== undefined) q = q.where("subject", "=", options.subject);
  if (options.subjectPrefix !== undefined && options.subjectPrefix !== "") {
    // substr rather than LIKE: SQLite's LIKE ignores case and both need wildcard escaping.
    const prefix = options.subjectPrefix;
    q = q.where(sql<string>`substr(subject, 1, ${prefix.length})`, "=", prefix);
  }
  if (options.action !== undefined) q = q.where("action", "=", options.action);
  if (options.actor !== undefined) q = q.where("actor", "=", options.actor);
  if (options.afterSeq !== undefined) q = q.where("seq", ">", options.afterSeq);
  if (options.beforeSeq !== undefined) q = q.where("seq", "<", options.beforeSeq);
  if (options.since !== undefined) q = q.where("at", ">=", options.since);
  if (options.until !== undefined) q = q.where("at", "<", options.until);
  const rows = await q.orderBy("seq", options.order === "desc" ? "desc" : "asc").limit(limit).execute();
  return rows.map(rowToAuditEvent);
}

/** The head of the chain: the last appended event's seq (0 when empty) and hash. */
export async function getAuditHead(db: Kysely<Database>): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom("audit_head").select(["last_seq", "last_hash"]).where("id", "=", 1).executeTakeFirstOrThrow();
  return { seq: Number(head.last_seq), hash: head.last_hash };
}

/** Maps a stored row to an AuditEvent. Throws if payload_json is not JSON (see verifyAuditChain). */
export function rowToAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    payload: JSON.parse(row.payload_json) as unknown,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
