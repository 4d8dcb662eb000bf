import type { Kysely, Transaction } from "kysely";
import { appendAuditEvent } from "../audit/index.js";
import type { Database } from "../store/index.js";
import type { EngineContext } from "./context.js";

/** Appends an audit event (inside `trx` when given, so the change and its record commit together). */
export async function record(
  ctx: EngineContext,
  event: { actor: string; action: string; subject: string; payload: unknown },
  trx?: Transaction<Database>,
): Promise<void> {
  const db: Kysely<Database> | Transaction<Database> = trx ?? ctx.store.db;
  await appendAuditEvent(db, ctx.store.dialect, event, ctx.clock);
}

export const deploymentSubject = (id: string) => `deployment/${id}`;
