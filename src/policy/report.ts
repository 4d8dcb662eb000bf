import type { GateName, GateOutcome, GateReport, GateResult, WaitReason } from "./types.js";

/** Which wait reason each gate stands for, in priority order: a person first, then time. */
const WAIT_ORDER: [GateName, WaitReason][] = [
  ["approvals", "approval"],
  ["soak", "soak"],
  ["window", "window"],
  ["freeze", "window"],
];

/**
 * Folds gate results into a report. Any refusal refuses the deployment (waiting would never
 * end); otherwise any wait holds it, for the first reason in WAIT_ORDER.
 */
export function buildReport(gates: GateResult[], recheckAt: number | null): GateReport {
  const outcomes = new Set(gates.map((g) => g.outcome));
  const verdict: GateOutcome = outcomes.has("refuse") ? "refuse" : outcomes.has("wait") ? "wait" : "pass";
  const waitingFor =
    verdict === "wait" ? (WAIT_ORDER.find(([gate]) => gates.some((g) => g.gate === gate && g.outcome === "wait"))?.[1] ?? null) : null;
  return {
    passed: verdict === "pass",
    verdict,
    gates,
    waitingFor,
    recheckAt: verdict === "wait" ? recheckAt : null,
  };
}
