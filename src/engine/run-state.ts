import { SlipwayError, type Deployment } from "../core/index.js";
import type { FrozenConfig } from "./frozen.js";

/** What a running step needs to know about its deployment. */
export interface RunState {
  deployment: Deployment;
  frozen: FrozenConfig;
  /** Aborted when the lease is lost or the control plane shuts down: stop at once, resume elsewhere. */
  signal: AbortSignal;
  /** The token of the claim this run works under: its step records are fenced on it. */
  leaseToken: string;
}

/** A step that failed verification (or readiness): the deployment is rolled back. */
export class VerificationFailed extends SlipwayError {
  constructor(message: string, hint?: string, details?: unknown) {
    super("failed", message, { hint, details });
    this.name = "VerificationFailed";
  }
}

/** Another instance took the deployment over (this one's lease ran out): stop without touching it. */
export class LeaseLost extends SlipwayError {
  constructor(id: string) {
    super("conflict", `deployment ${id} is no longer leased to this instance`, { hint: "another instance resumed it; nothing to do here" });
    this.name = "LeaseLost";
  }
}

/** The deployment was cancelled by a person while it ran. */
export class CancelRequested extends SlipwayError {
  constructor() {
    super("conflict", "the deployment was cancelled");
    this.name = "CancelRequested";
  }
}
