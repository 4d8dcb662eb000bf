/** One entry of the append-only, hash-chained audit log. */
export interface AuditEvent {
  /** ULID, unique. */
  id: string;
  /** Position in the chain: 1, 2, 3, … without gaps. */
  seq: number;
  /** UTC milliseconds. */
  at: number;
  /** Who did it: a user or token name, or "slipway" for the engine itself. */
  actor: string;
  /** `noun.verb`, e.g. `deployment.state_changed`. */
  action: string;
  /** What it happened to, e.g. `deployment/01J…`, `service/hello`. */
  subject: string;
  payload: unknown;
  /** `hash` of the event before this one; GENESIS_HASH for the first. */
  prevHash: string;
  /** sha256 hex over prevHash and the canonical event (see hashEvent). */
  hash: string;
}

/** What a caller supplies; the log assigns id, seq, time and hashes. */
export interface AuditEventInput {
  actor: string;
  action: string;
  subject: string;
  payload?: unknown;
}

/** The first problem verifyAuditChain found. `id`/`action` are null when no row exists to name. */
export interface AuditChainProblem {
  seq: number;
  id: string | null;
  action: string | null;
  reason: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** Events whose hash and link were checked (all of them when ok). */
  checked: number;
  firstBad?: AuditChainProblem;
}
