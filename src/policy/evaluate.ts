import { approvalsGate } from "./approvals.js";
import { promotionGate, soakGate, soakReadyAt } from "./promotion.js";
import { buildReport } from "./report.js";
import { nextOpenTime } from "./calendar.js";
import { windowAndFreezeGates } from "./window-gates.js";
import type { GateInput, GateReport, GateResult, SignatureFact } from "./types.js";

/**
 * The `signatures` gate. Until the supply-chain work verifies signatures, `signatures` is
 * undefined and the gate refuses, saying so: a policy that asks for a signature must not
 * pass unchecked (fail closed).
 */
export function signaturesGate(keys: readonly string[], signatures: readonly SignatureFact[] | undefined): GateResult {
  if (signatures === undefined) {
    return {
      gate: "signatures",
      passed: false,
      outcome: "refuse",
      facts: `requires a signature by ${keys.join(", ")}, but signature checks are not implemented yet: they come with the supply-chain work`,
      remedy: "remove signed_by from requires until signature verification ships (a policy that asks for a signature is not passed unchecked)",
    };
  }
  const verified = new Set(signatures.filter((s) => s.verified).map((s) => s.key));
  const missing = keys.filter((k) => !verified.has(k));
  if (missing.length === 0) return { gate: "signatures", passed: true, outcome: "pass", facts: `signed by ${keys.join(", ")}` };
  return {
    gate: "signatures",
    passed: false,
    outcome: "refuse",
    facts: `no verified signature by ${missing.join(", ")}${verified.size > 0 ? ` (verified: ${[...verified].join(", ")})` : ""}`,
    remedy: `sign the artifact with ${missing.join(", ")} and push it again`,
  };
}

/**
 * Evaluates every gate the environment configures, at `input.now`, from the facts in
 * `input` alone (no I/O, no clock). Gates come back in a fixed order (promotion, soak,
 * approvals, window, freeze, signatures), only those configured; each says what it saw and,
 * when it did not pass, what would satisfy it. A permitted override passes window and
 * freeze only; promotion, soak, approvals and signatures are never overridden.
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
    ...(requires?.signed_by ? [signaturesGate(requires.signed_by, input.signatures)] : []),
  ];
  // Re-check once the soak is done, and then not before the windows allow it.
  const soakWaits = gates.some((g) => g.gate === "soak" && g.outcome === "wait");
  const soakAt = soakWaits ? soakReadyAt(requires?.soak, input.sourceHistory) : undefined;
  const windowsHold = timeGates.some((g) => g.outcome === "wait");
  const from = soakAt ?? (windowsHold ? now : undefined);
  const recheckAt = from !== undefined && windows && !input.override?.allowed ? nextOpenTime(windows, from) : from;
  return buildReport(gates, recheckAt ?? null);
}
