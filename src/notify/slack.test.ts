import assert from "node:assert/strict";
import { test } from "node:test";
import { renderEmail } from "./email.js";
import type { NotificationMessage } from "./message.js";
import { renderSlack } from "./slack.js";

const base: NotificationMessage = {
  event: "gate.refused",
  seq: 7,
  at: Date.UTC(2026, 11, 2, 10, 0, 0),
  actor: "alice",
  service: "checkout",
  environment: "prod",
  summary: "checkout 2.0.0 was refused by its gates in prod: freeze: 2026-12-20..2027-01-04 <holidays>",
  deployment: { id: "01DEP", version: "2.0.0", previousVersion: "1.9.0", strategy: "canary", kind: "deploy", error: null, url: "https://slipway.example/api/v1/deployments/01DEP" },
  gates: [{ gate: "freeze", passed: false, facts: "prod is frozen until 2027-01-04", remedy: "wait, or an emergency override" }],
};

const texts = (body: ReturnType<typeof renderSlack>) => JSON.stringify(body.blocks);

test("a refused deployment: headline, who, version and the gate with its remedy, escaped for mrkdwn, and a button", () => {
  const body = renderSlack(base);
  assert.match(body.text, /^:no_entry: checkout 2\.0\.0 was refused/);
  const blocks = texts(body);
  assert.match(blocks, /\*By\*\\nalice/);
  assert.match(blocks, /\*Version\*\\n2\.0\.0 \(from 1\.9\.0\)/);
  assert.match(blocks, /freeze: prod is frozen until 2027-01-04 \(wait, or an emergency override\)/);
  assert.match(blocks, /&lt;holidays&gt;/);
  assert.ok(!blocks.includes("<holidays>"));
  assert.ok(body.blocks.some((b) => (b as { type: string }).type === "actions"));
});

test("an approval request says what it waits for; without a link there is no button", () => {
  const body = renderSlack({ ...base, event: "approval.needed", summary: "checkout 2.0.0 needs an approval in prod", gates: undefined, waitingFor: "approvals: 0 of 1 (not by the deployer)", deployment: { ...base.deployment!, url: null } });
  assert.match(texts(body), /\*Waiting for\*\\napprovals: 0 of 1/);
  assert.ok(!body.blocks.some((b) => (b as { type: string }).type === "actions"));
  const mail = renderEmail({ ...base, event: "approval.needed", summary: "checkout 2.0.0 needs an approval in prod", gates: undefined, waitingFor: "approvals: 0 of 1" });
  assert.equal(mail.subject, "[slipway] checkout 2.0.0 needs an approval in prod");
  assert.match(mail.text, /^By: alice$/m);
  assert.match(mail.text, /^Waiting for: approvals: 0 of 1$/m);
});

test("a rollback's verdict lines carry the numbers", () => {
  const body = renderSlack({ ...base, event: "deployment.rolled_back", gates: undefined, verdict: [{ check: "error-rate", verdict: "fail", reason: "error-rate 31% > max 5%", numbers: { requests: 412, errors: 128, limit: 0.05, evalue: 1234.5678 } }] });
  assert.match(texts(body), /error-rate: fail \(requests=412, errors=128, limit=0\.05, evalue=1235\) — error-rate 31% &gt; max 5%/);
});
