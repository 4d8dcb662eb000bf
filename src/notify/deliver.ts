import type { Logger } from "pino";
import type { Clock, NotifyDestination } from "../core/index.js";
import { claimOutboxRows, recordDeliveryAttempt, type DeliveryOutcome, type OutboxRow, type Store } from "../store/index.js";
import type { NotificationMessage } from "./message.js";
import { sendMessage } from "./send.js";

export interface DeliverySettings {
  /** How long a claimed row is this instance's to send. */
  leaseMs: number;
  /** The first retry waits about this long; each further one twice as long. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** After this many failed attempts a row is dead (the dead-letter list). */
  maxAttempts: number;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Rows claimed (and sent concurrently) per round. */
  batch: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = { leaseMs: 16_000, backoffBaseMs: 2_000, backoffMaxMs: 10 * 60_000, maxAttempts: 10, timeoutMs: 10_000, batch: 16 };
// leaseMs above: 1.5 × timeoutMs + 1 s, as deliverySettingsFromEnv keeps it.

export interface DeliverContext {
  store: Store;
  log: Logger;
  clock: Clock;
  owner: string;
  secretSource: Record<string, string | undefined>;
  settings: DeliverySettings;
  random?: () => number;
}

/**
 * Exponential back-off with "equal jitter": half the exponential delay for sure, the other half
 * at random, so receivers coming back are not hit by every sender at the same instant.
 */
export function backoffDelay(failedAttempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** Claims due rows and sends them; returns how many were claimed (0: nothing is due). */
export async function deliverDue(ctx: DeliverContext): Promise<number> {
  const { settings } = ctx;
  const rows = await claimOutboxRows(ctx.store.db, ctx.store.dialect, { owner: ctx.owner, now: ctx.clock.now(), leaseMs: settings.leaseMs, limit: settings.batch });
  await Promise.all(rows.map((row) => deliverOne(ctx, row)));
  return rows.length;
}

async function deliverOne(ctx: DeliverContext, row: OutboxRow): Promise<void> {
  const result = await sendMessage(JSON.parse(row.target_json) as NotifyDestination, JSON.parse(row.message_json) as NotificationMessage, {
    secretSource: ctx.secretSource,
    deliveryId: row.id,
    nowMs: ctx.clock.now(),
    timeoutMs: ctx.settings.timeoutMs,
  });
  const at = ctx.clock.now();
  const attempts = row.attempts + 1;
  let outcome: DeliveryOutcome;
  if (result.ok) outcome = { result: "delivered", at };
  else if (result.permanent || attempts >= ctx.settings.maxAttempts) outcome = { result: "dead", at, error: `attempt ${attempts}: ${result.error}` };
  else outcome = { result: "retry", at, nextAt: at + backoffDelay(attempts, ctx.settings.backoffBaseMs, ctx.settings.backoffMaxMs, ctx.random), error: `attempt ${attempts}: ${result.error}` };
  const held = await recordDeliveryAttempt(ctx.store.db, row.id, ctx.owner, outcome);
  const fields = { notification: row.id, destination: row.destination, event: row.event, attempts };
  if (!held) ctx.log.warn(fields, "notification lease ran out while sending; another instance may send it again (receivers dedupe on Slipway-Delivery)");
  else if (outcome.result === "dead") ctx.log.error({ ...fields, error: outcome.error }, "notification dead-lettered: see `slipway notify failed`");
  else if (outcome.result === "retry") ctx.log.warn({ ...fields, error: outcome.error, nextAt: outcome.nextAt }, "notification not delivered; retrying later");
  else ctx.log.debug(fields, "notification delivered");
}
