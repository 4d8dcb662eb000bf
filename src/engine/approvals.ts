import { conflict, isTerminal, newId, SlipwayError, type Role } from "../core/index.js";
import { formatGate, minimumRole, roleAtLeast, type GateReport } from "../policy/index.js";
import { clearNotBefore, getDeploymentRow, insertApproval, lastApprovalBy, toDeployment } from "../store/index.js";
import { getArtifact } from "../supply/index.js";
import type { EngineContext } from "./context.js";
import { parseFrozen } from "./frozen.js";
import { checkGates } from "./gates.js";
import { deploymentSubject, record } from "./record.js";

export interface ApprovalRequest {
  deploymentId: string;
  by: string;
  /** The role the person holds for this deployment's service and environment. */
  role: Role;
  decision: "approve" | "reject";
  comment?: string | undefined;
}

export interface ApprovalOutcome {
  recorded: boolean;
  /** A sentence for the person: counted, already counted, what is still missing. */
  note: string;
  gates: GateReport;
}

/**
 * Records a person's decision on a waiting deployment. Separation of duties is checked here
 * too, so a person who may not approve is told at once instead of their approval silently
 * not counting; the gates (evaluated again by the executor right after) stay the authority.
 */
export async function decideApproval(ctx: EngineContext, req: ApprovalRequest): Promise<ApprovalOutcome> {
  const row = await getDeploymentRow(ctx.store.db, req.deploymentId);
  const d = toDeployment(row);
  if (isTerminal(d.state) || d.state === "running" || d.state === "verifying" || d.state === "rolling_back") {
    throw conflict(`deployment ${d.id} is ${d.state}; approvals count only before it starts`, { hint: "approve the next deployment instead" });
  }
  const environment = parseFrozen(row.env_config_json).environment;
  const rule = environment.requires?.approvals;
  if (!rule) throw conflict(`${d.service}/${d.environment} needs no approval`, { hint: "nothing to approve: the deployment runs when its other gates pass" });
  refuseIneligible(req, rule, d.actor, await authorOf(ctx, d.service, d.version));
  const previous = await lastApprovalBy(ctx.store.db, d.id, req.by);
  // A repeat changes nothing, except an approval that has expired: approving again renews it.
  const expired = previous?.decision === "approve" && ctx.clock.now() >= previous.at + rule.expires;
  const repeat = previous?.decision === req.decision && !expired;
  if (!repeat) {
    const at = ctx.clock.now();
    await ctx.store.db.transaction().execute(async (trx) => {
      await insertApproval(trx, { id: newId(), deployment_id: d.id, digest: d.digest, by: req.by, role: req.role, decision: req.decision, comment: req.comment ?? null, at });
      // Look at it again now rather than at the next scheduled recheck.
      await clearNotBefore(trx, d.id);
      await record(ctx, { actor: req.by, action: "approval.recorded", subject: deploymentSubject(d.id), payload: { decision: req.decision, role: req.role, digest: d.digest, comment: req.comment ?? null } }, trx);
    });
  }
  const gates = await checkGates(ctx, { ...d, override: d.override }, environment);
  const approvalsGate = gates.gates.find((g) => g.gate === "approvals");
  const summary = approvalsGate ? formatGate(approvalsGate) : "approvals: not required";
  const note = repeat ? `${req.by} already ${req.decision === "approve" ? "approved" : "rejected"} this deployment; a person counts once. ${summary}` : summary;
  return { recorded: !repeat, note, gates };
}

function refuseIneligible(req: ApprovalRequest, rule: { from: readonly Role[]; not_by: readonly string[] }, deployer: string, author: string | null): void {
  const needed = minimumRole(rule.from);
  if (!roleAtLeast(req.role, needed)) {
    throw new SlipwayError("forbidden", `${req.by} has role ${req.role} here; approvals need ${needed} or higher`, { hint: `ask a person with role ${needed}` });
  }
  if (rule.not_by.includes("deployer") && req.by === deployer) {
    throw new SlipwayError("forbidden", `${req.by} started this deployment and cannot approve it (requires.approvals.not_by: deployer)`, { hint: "separation of duties: ask another approver" });
  }
  if (rule.not_by.includes("author") && author !== null && req.by === author) {
    throw new SlipwayError("forbidden", `${req.by} authored the commit being deployed and cannot approve it (requires.approvals.not_by: author)`, { hint: "separation of duties: ask another approver" });
  }
}

async function authorOf(ctx: EngineContext, service: string, version: string): Promise<string | null> {
  return (await getArtifact(ctx.store, service, version))?.author ?? null;
}
