/**
 * The audit log: an append-only, hash-chained record of every state change. Each event's hash
 * covers its content and the previous event's hash, so editing, deleting or reordering any
 * event is detected by verifyAuditChain (and by an offline verifier using canonicalJson and
 * hashEvent).
 */
export { appendAuditEvent } from "./append.js";
export { canonicalJson, hashEvent, GENESIS_HASH, type HashedFields } from "./canonical.js";
export { listAuditEvents, getAuditHead, rowToAuditEvent, MAX_AUDIT_PAGE, type ListAuditOptions } from "./list.js";
export { AuditFeed, type FeedFilter, type FeedListener } from "./feed.js";
export { verifyAuditChain, type VerifyAuditOptions } from "./verify.js";
export type { AuditEvent, AuditEventInput, AuditChainProblem, AuditVerifyResult } from "./types.js";
export {
  buildEvidenceBundle,
  verifyEvidenceBundle,
  verifyEvidenceBundleBytes,
  serializeEvidenceBundle,
  evidenceBundleDigest,
  selectEvidence,
  deriveSummary,
  evidenceSubjects,
  isOverride,
  EVIDENCE_FORMAT,
  CHAIN_SCHEME,
  type EvidenceBundle,
  type EvidenceInput,
  type BundleEvent,
  type BundleVerifyResult,
  type DerivedSummary,
} from "./bundle.js";
export { exportEvidenceBundle, type ExportEvidenceOptions } from "./bundle-export.js";
