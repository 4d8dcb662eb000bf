import type { Deployment } from "../core/index.js";
import { formatGate, type GateReport, type GateResult } from "../policy/index.js";
import { setWaiting, type DeploymentsTable } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { parseFrozen } from "./frozen.js";
import { checkGates } from "./gates.js";
import { deploymentSubject, record } from "./record.js";
import { transition } from "./transition.js";

/** When it may proceed, the gate results go with it: they are recorded when it actually starts. */
export type Admission = { proceed: true; deployment: Deployment; gates: GateResult[] } | { proceed: false; deployment: Deployment };

/**
 * Evaluates a waiting deployment's gates: it proceeds, waits (for an approval, a soak, a
 * window; `awaiting_approval` when a person is needed) or is rejected, saying which gate and why.
 */
export async function admitDeployment(ctx: EngineContext, d: Deployment, row: DeploymentsTable): Promise<Admission> {
  const environment = parseFrozen(row.env_config_json).environment;
  const report = await checkGates(ctx, d, environment);
  if (report.gates.length === 0) return { proceed: true, deployment: d, gates: [] };
  const failing = report.gates.filter((g) => !g.passed);
  if (report.verdict === "refuse") {
    await record(ctx, { actor: "slipway", action: "gate.evaluated", subject: deploymentSubject(d.id), payload: { verdict: "refuse", gates: report.gates } });
    const refusing = failing.filter((g) => g.outcome === "refuse");
    const deployment = await transition(ctx, d, "rejected", {
      error: refusing.map((g) => `${g.gate}: ${g.facts}`).join("; "),
      hint: refusing.map((g) => g.remedy).filter(Boolean).join("; ") || undefined,
      payload: { gates: report.gates },
    });
    return { proceed: false, deployment };
  }
  if (report.verdict === "wait") return { proceed: false, deployment: await hold(ctx, d, report) };
  if (d.waitingFor !== null) await setWaiting(ctx.store.db, d.id, null, null);
  return { proceed: true, deployment: { ...d, waitingFor: null }, gates: report.gates };
}

async function hold(ctx: EngineContext, d: Deployment, report: GateReport): Promise<Deployment> {
  const waitingFor = report.gates.filter((g) => !g.passed).map(formatGate).join("; ");
  // With no time-based recheck (only a person can move it on), look again now and then anyway.
  const notBefore = report.recheckAt ?? ctx.clock.now() + ctx.settings.approvalRecheckMs;
  await setWaiting(ctx.store.db, d.id, waitingFor, notBefore);
  // Record what it waits for when that changes, not at every recheck (the sentences carry countdowns).
  const changed = d.waitingFor === null || withoutNumbers(d.waitingFor) !== withoutNumbers(waitingFor);
  if (changed) {
    await record(ctx, { actor: "slipway", action: "gate.evaluated", subject: deploymentSubject(d.id), payload: { verdict: "wait", waitingFor: report.waitingFor, gates: report.gates, recheckAt: report.recheckAt } });
  }
  const waiting = { ...d, waitingFor };
  if (report.waitingFor === "approval" && d.state === "queued") return transition(ctx, waiting, "awaiting_approval", { payload: { waitingFor } });
  return waiting;
}

const withoutNumbers = (text: string) => text.replace(/\d+/g, "#");
