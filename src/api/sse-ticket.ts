/**
 * Short-lived tickets for server-sent events. A browser's EventSource cannot send an
 * Authorization header, and a token in a URL ends up in histories and proxy logs, so the web UI
 * trades its token (sent as a header) for a ticket: valid for one deployment's stream and 60 s,
 * usable only on the events route. The ticket is signed with the stored hash of the token that
 * asked for it, so any instance sharing the database can check it (no ticket table), and a
 * revoked or expired token invalidates its tickets at once.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { SlipwayError, type Clock } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { Principal } from "./auth.js";

export const TICKET_TTL_MS = 60_000;

interface TicketClaims {
  /** token id */
  t: string;
  /** deployment id */
  d: string;
  /** expiry, UTC ms */
  e: number;
}

const sign = (key: string, body: string) => createHmac("sha256", key).update(`sse-ticket:${body}`).digest("base64url");

/** A ticket for `principal` to follow `deploymentId`'s events. */
export async function issueTicket(store: Store, clock: Clock, principal: Principal, deploymentId: string): Promise<{ ticket: string; expiresAt: number }> {
  const row = await store.db.selectFrom("tokens").select("token_hash").where("id", "=", principal.tokenId).executeTakeFirstOrThrow();
  const claims: TicketClaims = { t: principal.tokenId, d: deploymentId, e: clock.now() + TICKET_TTL_MS };
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return { ticket: `${body}.${sign(row.token_hash, body)}`, expiresAt: claims.e };
}

const invalid = () =>
  new SlipwayError("unauthorized", "the event-stream ticket is invalid or has expired", {
    hint: "ask for a new one: POST /api/v1/deployments/{id}/events/ticket with your token",
  });

/** The id of the token a ticket stands for, if the ticket is genuine, unexpired and for this deployment. */
export async function verifyTicket(store: Store, clock: Clock, ticket: string, deploymentId: string): Promise<string> {
  const [body, mac] = ticket.split(".");
  if (!body || !mac) throw invalid();
  let claims: TicketClaims;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TicketClaims;
  } catch {
    throw invalid();
  }
  if (typeof claims.t !== "string" || claims.d !== deploymentId || typeof claims.e !== "number" || claims.e <= clock.now()) throw invalid();
  const row = await store.db.selectFrom("tokens").select("token_hash").where("id", "=", claims.t).executeTakeFirst();
  if (!row) throw invalid();
  const expected = Buffer.from(sign(row.token_hash, body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  return claims.t;
}
