/**
 * Inbound alerting webhooks. PagerDuty v3 webhooks sign the raw body: `X-PagerDuty-Signature:
 * v1=<hex HMAC-SHA256>` (several comma-separated while a secret rotates). Opsgenie's webhook
 * integration does not sign its deliveries; it sends the custom headers it is configured with,
 * so it is configured to send `X-Opsgenie-Token: <the shared secret>`. Both are compared in
 * constant time. The payload shapes are reduced to "open this" / "resolve that" / ignore.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Severity } from "./types.js";

export function verifyPagerDutySignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(raw).digest("hex"));
  let ok = false;
  for (const part of header.split(",")) {
    const m = part.trim().match(/^v1=([0-9a-f]{64})$/i);
    // Every candidate is compared (no early exit), each in constant time.
    if (m && timingSafeEqual(expected, Buffer.from(m[1]!.toLowerCase()))) ok = true;
  }
  return ok;
}

/** A shared token compared in constant time (through equal-length digests). */
export function verifyOpsgenieToken(header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(header), digest(secret));
}

/** What an alerting delivery asks for. */
export type AlertAction =
  | { kind: "open"; externalId: string; title: string; severity: Severity; url: string | null; startedAt: number | null; summary: string | null }
  | { kind: "resolve"; externalId: string; at: number | null }
  | { kind: "ignore"; reason: string };

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const time = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  const s = str(v);
  const ms = s === null ? Number.NaN : Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
};

function severityOfPriority(p: string | null): Severity | null {
  const m = p?.match(/^P([1-5])$/i);
  if (!m) return null;
  return (["sev1", "sev2", "sev3", "sev4", "sev4"] as const)[Number(m[1]) - 1]!;
}

/** PagerDuty v3: `{ event: { event_type: "incident.triggered" | "incident.resolved" | …, occurred_at, data: { id, title, html_url, priority, urgency } } }`. */
export function fromPagerDuty(payload: unknown): AlertAction {
  const event = obj(obj(payload).event);
  const type = str(event.event_type);
  const data = obj(event.data);
  const id = str(data.id);
  if (!type || !id) return { kind: "ignore", reason: "not a PagerDuty v3 incident event (event.event_type and event.data.id are required)" };
  const at = time(event.occurred_at);
  if (type === "incident.triggered" || type === "incident.reopened") {
    const severity = severityOfPriority(str(obj(data.priority).summary)) ?? (str(data.urgency) === "high" ? "sev2" : "sev3");
    return { kind: "open", externalId: id, title: str(data.title) ?? `PagerDuty incident ${id}`, severity, url: str(data.html_url), startedAt: time(data.created_at) ?? at, summary: str(obj(data.service).summary) };
  }
  if (type === "incident.resolved") return { kind: "resolve", externalId: id, at };
  return { kind: "ignore", reason: `PagerDuty event ${type} opens and resolves nothing` };
}

/** Opsgenie: `{ action: "Create" | "Close" | …, alert: { alertId, message, priority, createdAt, description } }`. */
export function fromOpsgenie(payload: unknown): AlertAction {
  const body = obj(payload);
  const action = str(body.action);
  const alert = obj(body.alert);
  const id = str(alert.alertId);
  if (!action || !id) return { kind: "ignore", reason: "not an Opsgenie alert event (action and alert.alertId are required)" };
  if (action === "Create") {
    return { kind: "open", externalId: id, title: str(alert.message) ?? `Opsgenie alert ${id}`, severity: severityOfPriority(str(alert.priority)) ?? "sev3", url: null, startedAt: time(alert.createdAt), summary: str(alert.description) };
  }
  if (action === "Close") return { kind: "resolve", externalId: id, at: time(alert.updatedAt) };
  return { kind: "ignore", reason: `Opsgenie action ${action} opens and resolves nothing` };
}
