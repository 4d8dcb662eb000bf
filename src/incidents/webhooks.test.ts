import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { fromOpsgenie, fromPagerDuty, verifyOpsgenieToken, verifyPagerDutySignature } from "./webhooks.js";

const body = Buffer.from('{"event":{"event_type":"incident.triggered"}}');
const sig = (secret: string) => `v1=${createHmac("sha256", secret).update(body).digest("hex")}`;

test("PagerDuty signatures: any of several v1 signatures (rotation) may match; nothing else does", () => {
  assert.equal(verifyPagerDutySignature(body, sig("s"), "s"), true);
  assert.equal(verifyPagerDutySignature(body, `${sig("old")}, ${sig("s")}`, "s"), true);
  assert.equal(verifyPagerDutySignature(body, sig("other"), "s"), false);
  assert.equal(verifyPagerDutySignature(body, sig("s").replace("v1=", "v0="), "s"), false);
  assert.equal(verifyPagerDutySignature(body, undefined, "s"), false);
  assert.equal(verifyPagerDutySignature(Buffer.from(`${body} `), sig("s"), "s"), false);
});

test("Opsgenie tokens compare whole values", () => {
  assert.equal(verifyOpsgenieToken("tok", "tok"), true);
  assert.equal(verifyOpsgenieToken("tok2", "tok"), false);
  assert.equal(verifyOpsgenieToken(undefined, "tok"), false);
});

test("PagerDuty and Opsgenie payloads become open / resolve / ignore, with severities", () => {
  const pd = (type: string, data: Record<string, unknown>) => fromPagerDuty({ event: { event_type: type, occurred_at: "2026-01-01T00:00:00Z", data: { id: "P1", ...data } } });
  assert.deepEqual(pd("incident.triggered", { title: "t", priority: { summary: "P3" } }), { kind: "open", externalId: "P1", title: "t", severity: "sev3", url: null, startedAt: Date.parse("2026-01-01T00:00:00Z"), summary: null });
  assert.equal((pd("incident.triggered", { urgency: "high" }) as { severity: string }).severity, "sev2");
  assert.equal((pd("incident.triggered", { urgency: "low" }) as { severity: string }).severity, "sev3");
  assert.deepEqual(pd("incident.resolved", {}), { kind: "resolve", externalId: "P1", at: Date.parse("2026-01-01T00:00:00Z") });
  assert.equal(pd("incident.acknowledged", {}).kind, "ignore");
  assert.equal(fromPagerDuty({}).kind, "ignore");
  assert.equal((fromOpsgenie({ action: "Create", alert: { alertId: "a", message: "m", priority: "P5" } }) as { severity: string }).severity, "sev4");
  assert.deepEqual(fromOpsgenie({ action: "Close", alert: { alertId: "a" } }), { kind: "resolve", externalId: "a", at: null });
  assert.equal(fromOpsgenie({ action: "AddNote", alert: { alertId: "a" } }).kind, "ignore");
});
