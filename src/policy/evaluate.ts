import { approvalsGate } from "./approvals.js";
import { promotionGate, soakGate, soakReadyAt } from "./promotion.js";
import { buildReport } from "./report.js";
import { nextOpenTime } from "./calendar.js";
import { windowAndFreezeGates } from "./window-gates.js";
import { provenanceGate, sbomGate, signaturesGate, vulnerabilitiesGate } from "./supply-gates.js";
import type { GateInput, GateReport, GateResult } from "./types.js";

/**
 * Evaluates every gate the environment configures, at `input.now`, from the facts in
 * `input` alone (no I/O, no clock). Gates come back in a fixed order (promotion, soak,
 * approvals, window, freeze, signatures, provenance, sbom, vulnerabilities), only those
 * configured; each says what it saw and,
 * when it did not pass, what would satisfy it. A permitted override passes window and
 * freeze only; promotion, soak, approvals and the supply-chain gates are never overridden.
 *
 * The engine acts on `verdict`: pass → run; wait → hold (state from `waitingFor`, re-evaluate
 * at `recheckAt` and on every approval); refuse → mark the deployment rejected with the
 * failing gates' facts and remedies. Dry runs (`--dry-run`, GET /gates) show the same report.
 */
export function evaluateGates(input: GateInput): GateReport {
  const { now, deployment: d } = input;
  const requires = input.environment.requires;
  const windows = input.environment.windows;
  const source = requires?.promoted_from;
  const timeGates = windowAndFreezeGates(windows, now, input.override, "start");
  const gates: GateResult[] = [
    ...(source !== undefined ? [promotionGate(d, source, input.sourceHistory)] : []),
    ...(requires?.soak !== undefined ? [soakGate(d, source, requires.soak, input.sourceHistory, now)] : []),
    ...(requires?.approvals ? [approvalsGate(requires.approvals, d, input.approvals, input.approverRoles, now)] : []),
    ...timeGates,
    ...(requires?.signed_by ? [signaturesGate(requires.signed_by, input.supply)] : []),
    ...(requires?.provenance ? [provenanceGate(requires.provenance, requires.signed_by, input.supply)] : []),
    ...(requires?.sbom ? [sbomGate(input.supply)] : []),
    ...(requires?.max_severity ? [vulnerabilitiesGate(requires.max_severity, input.supply)] : []),
  ];
  // Re-check once the soak is done, and then not before the windows allow it.
  const soakWaits = gates.some((g) => g.gate === "soak" && g.outcome === "wait");
  const soakAt = soakWaits ? soakReadyAt(requires?.soak, input.sourceHistory) : undefined;
  const windowsHold = timeGates.some((g) => g.outcome === "wait");
  const from = soakAt ?? (windowsHold ? now : undefined);
  const recheckAt = from !== undefined && windows && !input.override?.allowed ? nextOpenTime(windows, from) : from;
  return buildReport(gates, recheckAt ?? null);
}
