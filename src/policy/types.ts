import type { RequiresConfig, Role, WindowsConfig } from "../core/config/index.js";
import type { SupplyFacts } from "../supply/index.js";

/**
 * The facts a gate decision is made from, and the decision. Everything here is plain data
 * the engine gathers (from the store, the artifact, the caller) before it asks: policy does
 * no I/O and reads no clock, so the same input always gives the same report.
 */

export type GateName = "promotion" | "soak" | "approvals" | "window" | "freeze" | "signatures" | "provenance" | "sbom" | "vulnerabilities";

/**
 * What a failing gate means for the deployment:
 * - `wait`: it can pass later without a new deployment (an approval arrives, the soak
 *   completes, the window opens, the freeze ends): hold in `awaiting_approval` / queued.
 * - `refuse`: it cannot pass for this deployment (the digest never succeeded upstream, an
 *   eligible approver rejected it, signatures missing): the deployment is `rejected`.
 */
export type GateOutcome = "pass" | "wait" | "refuse";

/** Why a deployment waits, for its state and its display. `window` covers freezes too. */
export type WaitReason = "approval" | "soak" | "window";

export interface GateResult {
  gate: GateName;
  /** True when the gate does not stand in the way (including when it was overridden). */
  passed: boolean;
  outcome: GateOutcome;
  /** What the gate saw, as a sentence without the gate's name (see formatGate). */
  facts: string;
  /** What would satisfy the gate; present when it did not pass. */
  remedy?: string;
  /** True when the gate failed but a permitted break-glass override let the deployment through. */
  overridden?: boolean;
}

export interface GateReport {
  /** Every configured gate passed (or was overridden): the deployment may proceed. */
  passed: boolean;
  /** pass: proceed; wait: hold and re-evaluate (see waitingFor, recheckAt); refuse: reject it. */
  verdict: GateOutcome;
  /** Only the gates the environment configures, in a fixed order. None configured: empty, passed. */
  gates: GateResult[];
  /** When verdict is wait: the first of approval, soak, window that holds it; null otherwise. */
  waitingFor: WaitReason | null;
  /**
   * When verdict is wait and time alone can move it on (soak, window, freeze): the earliest
   * instant (UTC ms) worth evaluating again. Null when only a person can (approvals).
   */
  recheckAt: number | null;
}

/** One successful deployment of this digest to the source environment. */
export interface SourceRun {
  deploymentId?: string;
  /** When it succeeded (verification passed), UTC ms: the soak clock starts here. */
  finishedAt: number;
  /** When it stopped serving there (replaced, rolled back), or null while it still runs. */
  endedAt: number | null;
}

/** A failed verification or rollback of this digest in the source environment. */
export interface SourceFailure {
  at: number;
  /** What failed, for the refusal text (e.g. "verification failed: error-rate 4% > 1%"). */
  what: string;
  deploymentId?: string;
}

/** What the `requires.promoted_from` environment knows about this digest. */
export interface SourceHistory {
  /** Its successful deployments of this digest (any order). */
  runs: readonly SourceRun[];
  /** Its failed verifications / rollbacks of this digest (any order; only later ones matter). */
  failures: readonly SourceFailure[];
  /** What it runs now, for the remedy "promote what staging runs". */
  current: { version: string; digest: string; since: number } | null;
}

/** One person's decision on a deployment. */
export interface ApprovalFact {
  by: string;
  decision: "approve" | "reject";
  /** UTC ms */
  at: number;
  comment: string | null;
  /** The artifact digest the person looked at: an approval of another digest does not count. */
  digest: string;
}

/** Break-glass for windows and freezes only; `allowed` is the caller's permission check. */
export interface Override {
  by: string;
  reason: string;
  /** True when `by` holds the admin role or an emergency grant for this service/environment. */
  allowed: boolean;
}

export interface DeploymentFacts {
  /** The deployment id, for remedies like `slipway approve ID`; absent on a dry run. */
  id?: string;
  service: string;
  environment: string;
  version: string;
  digest: string;
  /** Who deploys it. */
  actor: string;
  /** The artifact's commit author, when known. */
  author: string | null;
  createdAt: number;
}

/** Everything evaluateGates needs. */
export interface GateInput {
  /** UTC ms */
  now: number;
  /** The target environment's governance config (EnvironmentConfig fits as it is). */
  environment: { requires?: RequiresConfig | undefined; windows?: WindowsConfig | undefined };
  deployment: DeploymentFacts;
  /** The promoted_from environment's history of this digest; null when promoted_from is unset. */
  sourceHistory: SourceHistory | null;
  /** Decisions on this deployment, any order; several by one person are allowed (latest wins). */
  approvals: readonly ApprovalFact[];
  /** Each person's role for this service and environment; people missing here have none. */
  approverRoles: Readonly<Record<string, Role>>;
  override: Override | null;
  /**
   * What the supply chain says about the artifact (signatures checked against the registered
   * keys, provenance, SBOM, scans). Needed when the environment asks for signed_by,
   * provenance, sbom or max_severity; a gate refuses when it is missing (fail closed).
   */
  supply?: SupplyFacts;
}

/** What evaluateShiftGates needs: the window and freeze facts only (a GateInput fits). */
export type ShiftGateInput = Pick<GateInput, "now" | "environment" | "override">;
