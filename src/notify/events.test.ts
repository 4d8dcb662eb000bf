import assert from "node:assert/strict";
import { test } from "node:test";
import type { AuditEvent } from "../audit/index.js";
import { triggerOf } from "./events.js";

const event = (action: string, subject: string, payload: unknown): AuditEvent => ({ id: "x", seq: 1, at: 0, actor: "slipway", action, subject, payload, prevHash: "", hash: "" });
const deployment = (to: string, from = "queued") => event(`deployment.${to}`, "deployment/01D", { from, to, service: "web", environment: "prod", version: "1.2.0" });

test("deployment transitions map to the notification events", () => {
  assert.equal(triggerOf(deployment("running"))?.name, "deployment.started");
  assert.equal(triggerOf(deployment("running", "awaiting_approval"))?.name, "deployment.started");
  assert.equal(triggerOf(deployment("running", "running")), undefined);
  assert.equal(triggerOf(deployment("succeeded", "verifying"))?.name, "deployment.succeeded");
  assert.equal(triggerOf(deployment("failed", "running"))?.name, "deployment.failed");
  assert.equal(triggerOf(deployment("rollback_failed", "rolling_back"))?.name, "deployment.failed");
  assert.equal(triggerOf(deployment("rolled_back", "rolling_back"))?.name, "deployment.rolled_back");
  assert.equal(triggerOf(deployment("awaiting_approval"))?.name, "approval.needed");
  assert.equal(triggerOf(deployment("rejected"))?.name, "gate.refused");
  assert.equal(triggerOf(deployment("verifying", "running")), undefined);
  assert.equal(triggerOf(deployment("rolling_back", "running")), undefined);
  assert.deepEqual(triggerOf(deployment("succeeded", "verifying")), { name: "deployment.succeeded", service: "web", environment: "prod", deploymentId: "01D", incidentId: null });
});

test("incidents are routed by the service and environment their payload names, if any", () => {
  assert.deepEqual(triggerOf(event("incident.opened", "incident/INC1", { service: "web", environment: "prod", severity: "sev1" })), { name: "incident.opened", service: "web", environment: "prod", deploymentId: null, incidentId: "INC1" });
  assert.deepEqual(triggerOf(event("incident.resolved", "incident/INC1", {})), { name: "incident.resolved", service: null, environment: null, deploymentId: null, incidentId: "INC1" });
  assert.equal(triggerOf(event("step.done", "deployment/01D", {})), undefined);
  assert.equal(triggerOf(event("gate.evaluated", "deployment/01D", { verdict: "refuse" })), undefined, "the refusal is notified once, as the move to rejected");
});
