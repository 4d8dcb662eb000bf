import { makeRedactor } from "../core/index.js";
import { resolveSecretReference } from "../secrets/index.js";
import type { NotifyDestination } from "../core/index.js";
import { renderEmail, sendEmail } from "./email.js";
import type { NotificationMessage } from "./message.js";
import { signPayload } from "./signature.js";
import { renderSlack } from "./slack.js";

/** The result of one delivery attempt: permanent failures are not retried. */
export type SendResult = { ok: true } | { ok: false; permanent: boolean; error: string };

export interface SendOptions {
  /** Where secret references are resolved from (the server's environment). */
  secretSource: Record<string, string | undefined>;
  /** The outbox row id: sent as Slipway-Delivery so a receiver can drop a repeat. */
  deliveryId: string;
  nowMs: number;
  timeoutMs: number;
}

/**
 * Sends one message to one destination. Secret references are resolved here, at the moment of
 * sending, and every error text has the resolved URL and key replaced before it leaves this
 * function: errors end up in the outbox row and the log.
 */
export async function sendMessage(destination: NotifyDestination, message: NotificationMessage, options: SendOptions): Promise<SendResult> {
  const secrets: string[] = [];
  try {
    if (destination.type === "email") {
      const smtp = resolveSecretReference("notification smtp", destination.smtp.secret, options.secretSource);
      secrets.push(smtp, ...smtpCredentials(smtp));
      const result = await sendEmail(smtp, { from: destination.from, to: destination.to, deliveryId: options.deliveryId, timeoutMs: options.timeoutMs, ...renderEmail(message) });
      return result.ok ? result : { ...result, error: makeRedactor(secrets)(result.error) };
    }
    const url = resolveSecretReference("notification url", destination.url.secret, options.secretSource);
    secrets.push(url);
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "slipway-notify", "slipway-delivery": options.deliveryId, "slipway-event": message.event };
    let body: string;
    if (destination.type === "slack") {
      body = JSON.stringify(renderSlack(message));
    } else {
      const key = resolveSecretReference("notification key", destination.key.secret, options.secretSource);
      secrets.push(key);
      body = JSON.stringify({ id: options.deliveryId, ...message });
      headers["slipway-signature"] = signPayload(key, body, Math.floor(options.nowMs / 1000));
    }
    const res = await fetch(url, { method: "POST", headers, body, redirect: "error", signal: AbortSignal.timeout(options.timeoutMs) });
    const answer = (await res.text().catch(() => "")).slice(0, 200);
    if (res.ok) return { ok: true };
    // 4xx means the request itself is wrong (a revoked Slack hook answers 404): sending it again will not help.
    const permanent = res.status >= 400 && res.status < 500 && ![408, 425, 429].includes(res.status);
    return { ok: false, permanent, error: makeRedactor(secrets)(`the receiver answered ${res.status}${answer ? `: ${answer}` : ""}`) };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const text = `${(err as Error).message}${cause?.code ? ` (${cause.code})` : cause?.message ? ` (${cause.message})` : ""}`;
    return { ok: false, permanent: false, error: makeRedactor(secrets)(text) };
  }
}

/** The user and password of an SMTP URL: an SMTP error may quote either without the URL. */
function smtpCredentials(smtpUrl: string): string[] {
  try {
    const u = new URL(smtpUrl);
    return [decodeURIComponent(u.username), decodeURIComponent(u.password)].filter(Boolean);
  } catch {
    return [];
  }
}
