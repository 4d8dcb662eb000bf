import type { Kysely, Selectable } from "kysely";
import type { AuditEventsTable, Database } from "../store/index.js";
import { GENESIS_HASH, hashEvent } from "./canonical.js";
import { getAuditHead } from "./list.js";
import type { AuditChainProblem, AuditVerifyResult } from "./types.js";

export interface VerifyAuditOptions {
  /** Rows read per query; the chain is never loaded whole. Default 500. */
  batchSize?: number;
}

const EDITED = "hash does not match the event's content (edited after it was written?)";

/**
 * Walks the chain in seq order and recomputes every hash and link. Reports the first problem:
 * an edited event (its hash no longer matches), a deleted or inserted event (the next one's
 * prev_hash does not link), or a deleted tail (the head names an event that is gone).
 *
 * The head is read first and only events up to it are checked, so appends that commit while
 * the walk runs are neither checked nor mistaken for tampering.
 */
export async function verifyAuditChain(db: Kysely<Database>, options: VerifyAuditOptions = {}): Promise<AuditVerifyResult> {
  const batchSize = options.batchSize ?? 500;
  const head = await getAuditHead(db);
  let prev = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("seq", ">", prev.seq)
      .where("seq", "<=", head.seq)
      .orderBy("seq", "asc")
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      const problem = checkRow(row, prev);
      if (problem) return { ok: false, checked, firstBad: problem };
      prev = { seq: Number(row.seq), hash: row.hash };
      checked++;
    }
    if (rows.length < batchSize) break;
  }
  const tail = checkHead(head, prev);
  return tail ? { ok: false, checked, firstBad: tail } : { ok: true, checked };
}

function checkRow(row: Selectable<AuditEventsTable>, prev: { seq: number; hash: string }): AuditChainProblem | undefined {
  const seq = Number(row.seq);
  const bad = (reason: string): AuditChainProblem => ({ seq, id: row.id, action: row.action, reason });
  if (row.prev_hash !== prev.hash) {
    const missing = seq - prev.seq - 1;
    const gap = missing === 1 ? `; event ${prev.seq + 1} is missing` : missing > 1 ? `; events ${prev.seq + 1}..${seq - 1} are missing` : "";
    return bad(prev.seq === 0 ? `prev_hash does not link to the start of the chain${gap}` : `prev_hash does not link to event ${prev.seq}${gap}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload_json);
  } catch {
    return bad(`payload is not valid JSON; ${EDITED}`);
  }
  const expected = hashEvent(row.prev_hash, {
    id: row.id,
    seq,
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    payload,
  });
  return expected === row.hash ? undefined : bad(EDITED);
}

function checkHead(head: { seq: number; hash: string }, last: { seq: number; hash: string }): AuditChainProblem | undefined {
  if (head.seq === last.seq && head.hash === last.hash) return undefined;
  if (head.seq > last.seq) {
    return {
      seq: head.seq,
      id: null,
      action: null,
      reason: `the chain head records event ${head.seq} but the log ends at event ${last.seq} (events deleted from the end?)`,
    };
  }
  return { seq: head.seq, id: null, action: null, reason: `the chain head's hash does not match event ${head.seq} (head edited?)` };
}
