import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateGates, formatGate } from "./index.js";
import type { ApprovalFact, GateInput, GateResult } from "./index.js";
import type { ApprovalsConfig, Role } from "../core/config/index.js";

const DIGEST = "sha256:ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
const NOW = Date.parse("2026-06-05T08:12Z");
const HOUR = 3_600_000;
const ROLES: Record<string, Role> = { alice: "approver", bob: "approver", carol: "admin", dave: "approver", erin: "deployer" };

function approvalsInput(config: Partial<ApprovalsConfig>, approvals: ApprovalFact[], author: string | null = "dave"): GateInput {
  return {
    now: NOW,
    environment: { requires: { approvals: { count: 1, from: ["approver"], not_by: ["deployer", "author"], expires: 24 * HOUR, ...config } } },
    deployment: { id: "dep_01", service: "checkout-api", environment: "prod", version: "1.4.0", digest: DIGEST, actor: "alice", author, createdAt: NOW - HOUR },
    sourceHistory: null,
    approvals,
    approverRoles: ROLES,
    override: null,
  };
}

const approve = (by: string, hoursAgo = 1, digest = DIGEST): ApprovalFact => ({ by, decision: "approve", at: NOW - hoursAgo * HOUR, comment: null, digest });
const reject = (by: string, comment: string, hoursAgo = 1): ApprovalFact => ({ by, decision: "reject", at: NOW - hoursAgo * HOUR, comment, digest: DIGEST });

function gate(config: Partial<ApprovalsConfig>, approvals: ApprovalFact[], author?: string | null): GateResult {
  const report = evaluateGates(approvalsInput(config, approvals, author));
  assert.equal(report.gates.length, 1);
  return report.gates[0]!;
}

test("no approvals yet: waits, names who may and may not approve, and how", () => {
  const report = evaluateGates(approvalsInput({ not_by: ["deployer"] }, []));
  assert.equal(report.verdict, "wait");
  assert.equal(report.waitingFor, "approval");
  assert.equal(report.recheckAt, null, "only a person can move it on");
  assert.equal(
    formatGate(report.gates[0]!),
    "approvals: 0 of 1 (needs a user with role approver; the deployer alice cannot approve); ask a user with role approver other than alice to run slipway approve dep_01",
  );
});

test("one eligible approval passes", () => {
  const g = gate({}, [approve("bob")]);
  assert.deepEqual(g, { gate: "approvals", passed: true, outcome: "pass", facts: "1 of 1 (approved by bob)" });
});

test("the deployer's approval is refused", () => {
  const g = gate({ not_by: ["deployer"] }, [approve("alice")]);
  assert.equal(g.passed, false);
  assert.equal(g.facts, "0 of 1 (needs a user with role approver; the deployer alice cannot approve)");
});

test("the commit author's approval is refused", () => {
  const g = gate({}, [approve("dave")]);
  assert.equal(g.passed, false);
  assert.equal(g.facts, "0 of 1 (needs a user with role approver; the deployer alice cannot approve; the author dave cannot approve)");
  assert.equal(gate({}, [approve("alice")], "alice").facts, "0 of 1 (needs a user with role approver; alice, the deployer and author, cannot approve)");
});

test("without not_by the deployer may approve (separation of duties only where asked)", () => {
  assert.equal(gate({ not_by: [] }, [approve("alice")]).passed, true);
});

test("two approvals by one person count once", () => {
  const g = gate({ count: 2 }, [approve("bob", 2), approve("bob", 1)]);
  assert.equal(g.passed, false);
  assert.equal(g.facts, "1 of 2 (approved by bob; needs 1 more user with role approver; the deployer alice cannot approve; the author dave cannot approve)");
  assert.equal(gate({ count: 2 }, [approve("bob"), approve("carol")]).facts, "2 of 2 (approved by bob, carol)");
});

test("an expired approval does not count", () => {
  const g = gate({ not_by: [] }, [approve("bob", 25)]);
  assert.equal(g.passed, false);
  assert.equal(g.facts, "0 of 1 (needs a user with role approver; bob's approval expired at 2026-06-05 07:12 UTC (approvals last 1d))");
  assert.equal(gate({ not_by: [], expires: 48 * HOUR }, [approve("bob", 25)]).passed, true, "expires is configurable");
});

test("an approval for another digest does not count: a new artifact voids it", () => {
  const other = "sha256:ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000";
  const g = gate({ not_by: [] }, [approve("bob", 1, other)]);
  assert.equal(g.passed, false);
  assert.equal(g.facts, "0 of 1 (needs a user with role approver; bob's decision was on another artifact (sha256:ffff0000ffff…); a new artifact voids it)");
});

test("roles: below `from` does not count, above does; no role at all does not count", () => {
  assert.equal(gate({ not_by: [] }, [approve("erin")]).facts, "0 of 1 (needs a user with role approver; erin has role deployer, below approver)");
  assert.equal(gate({ not_by: [] }, [approve("zed")]).facts, "0 of 1 (needs a user with role approver; zed has no role here, below approver)");
  assert.equal(gate({ not_by: [] }, [approve("carol")]).passed, true, "admin outranks approver");
  assert.equal(gate({ not_by: [], from: ["admin"] }, [approve("bob")]).passed, false);
  assert.equal(gate({ not_by: [], from: ["deployer"] }, [approve("erin")]).passed, true);
});

test("a rejection by an eligible approver refuses the deployment, with their comment", () => {
  const report = evaluateGates(approvalsInput({}, [approve("bob"), reject("carol", "error budget is spent")]));
  assert.equal(report.verdict, "refuse");
  assert.equal(report.waitingFor, null);
  assert.equal(
    formatGate(report.gates[0]!),
    'approvals: rejected by carol at 2026-06-05 07:12 UTC: "error budget is spent"; 1 of 1 (approved by bob); ' +
      "a rejection stands for this deployment: address the concern, then deploy again to ask for approval afresh",
  );
});

test("a person's latest decision is theirs; rejections by ineligible people do not block", () => {
  assert.equal(gate({}, [reject("bob", "wait for the fix", 2), approve("bob", 1)]).passed, true, "changed their mind");
  assert.equal(gate({}, [approve("bob", 2), reject("bob", "found a bug", 1)]).outcome, "refuse");
  assert.equal(gate({}, [approve("bob"), reject("alice", "my own change"), reject("erin", "no")]).passed, true);
});
