/**
 * Policy: the gates between an artifact and an environment (promotion, soak, approvals with
 * separation of duties, change windows, freezes, signatures, provenance, SBOM, vulnerability
 * severity), as pure functions over facts
 * the engine gathers. Nothing here does I/O or reads a clock: pass `now`.
 *
 * The engine's calls:
 * - `evaluateGates(input)` when a deployment is created, on every approval, at `recheckAt`,
 *   and for dry runs: a GateReport whose `verdict` says run, wait or reject, and whose gates
 *   say why in sentences (`formatGate` renders one as `approvals: 0 of 1 (…); ask …`);
 * - `evaluateShiftGates(input)` before every traffic shift: window and freeze only.
 * Calendar helpers (`isInWindow`, `nextWindowOpening`, `freezeInForce`, `nextOpenTime`)
 * answer "when may we deploy?" for schedulers and displays.
 */
export type {
  ApprovalFact,
  DeploymentFacts,
  GateInput,
  GateName,
  GateOutcome,
  GateReport,
  GateResult,
  Override,
  ShiftGateInput,
  SourceFailure,
  SourceHistory,
  SourceRun,
  WaitReason,
} from "./types.js";
export { evaluateGates } from "./evaluate.js";
export { provenanceGate, sbomGate, signaturesGate, vulnerabilitiesGate } from "./supply-gates.js";
export { evaluateShiftGates, applyOverride } from "./window-gates.js";
export { freezeInForce, inWindow, isInWindow, nextFreeze, nextOpenTime, nextWindowOpening } from "./calendar.js";
export { approvalsGate, minimumRole, roleAtLeast, tallyApprovals } from "./approvals.js";
export type { ApprovalTally } from "./approvals.js";
export { promotionGate, soakGate, sourceVerdict } from "./promotion.js";
export { formatGate, formatSpan } from "./format.js";
