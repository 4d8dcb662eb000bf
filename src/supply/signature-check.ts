import { createPublicKey, type KeyObject } from "node:crypto";
import { isSlipwayError } from "../core/index.js";
import { IN_TOTO_PAYLOAD_TYPE, parseEnvelope, verifyEnvelope } from "./dsse.js";
import { shortKeyId, type KeyAlgorithm } from "./keys.js";
import type { SigningKey } from "./keys-repo.js";
import { formatDigest } from "./names.js";
import { isAbout, parseStatement, subjectDigests, type Statement } from "./statement.js";

/** Why a signature does or does not count for an artifact. */
export type SignatureStatus = "verified" | "unknown_key" | "revoked" | "subject_mismatch" | "not_for_service" | "malformed";

/** One signature on an artifact, as the signed_by gate and `artifact verify` see it. */
export interface SignatureFact {
  /** The registered key whose public key verifies the signature; null when none does. */
  key: string | null;
  /** That key's id, or else the envelope's (unauthenticated) keyid hint. */
  keyId: string | null;
  status: SignatureStatus;
  /** True only for `verified`: a valid signature, by an active key allowed for the service, about this digest. */
  verified: boolean;
  /** The facts in a sentence (which key, and why it does not count). */
  detail: string;
  predicateType: string | null;
  attachmentId: string;
}

/** A registered key ready for verification. */
type Candidate = SigningKey & { key: KeyObject; algorithm: KeyAlgorithm };

/** A verified statement (for the provenance and SBOM digests a release statement binds). */
export interface VerifiedStatement {
  key: string;
  statement: Statement;
}

const candidatesOf = (keys: readonly SigningKey[]): Candidate[] => keys.map((k) => ({ ...k, key: createPublicKey(k.publicPem) }));

/**
 * Checks each signature of a stored envelope about artifact `hex` of `service` against every
 * registered key (revoked ones too, so a revoked signer is named as such rather than unknown).
 */
export function checkEnvelope(
  document: string,
  attachmentId: string,
  keys: readonly SigningKey[],
  hex: string,
  service: string,
): { facts: SignatureFact[]; verified: VerifiedStatement[] } {
  let envelope;
  let statement: Statement | null = null;
  try {
    envelope = parseEnvelope(document, "the stored envelope");
  } catch (err) {
    if (!isSlipwayError(err)) throw err;
    return { facts: [malformed(attachmentId, err.message)], verified: [] };
  }
  const { payload, signatures } = verifyEnvelope(envelope, candidatesOf(keys));
  try {
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new Error(`payloadType is ${envelope.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`);
    statement = parseStatement(payload, "the signed payload");
  } catch (err) {
    return { facts: [malformed(attachmentId, (err as Error).message)], verified: [] };
  }
  const facts: SignatureFact[] = [];
  const verified: VerifiedStatement[] = [];
  for (const s of signatures) {
    const fact = judge(s.verifiedBy, s.keyid, statement, hex, service, attachmentId);
    facts.push(fact);
    if (fact.verified && fact.key) verified.push({ key: fact.key, statement });
  }
  return { facts, verified };
}

function judge(k: Candidate | null, hint: string | null, statement: Statement, hex: string, service: string, attachmentId: string): SignatureFact {
  const base = { predicateType: statement.predicateType, attachmentId };
  if (!k) {
    return { ...base, key: null, keyId: hint, status: "unknown_key", verified: false, detail: `a signature${hint ? ` with keyid ${hint}` : ""} that no registered key verifies` };
  }
  const who = `${k.name} (${shortKeyId(k.keyId)})`;
  const fact = (status: SignatureStatus, detail: string): SignatureFact => ({ ...base, key: k.name, keyId: k.keyId, status, verified: status === "verified", detail });
  if (k.revokedAt !== null) return fact("revoked", `signed by ${who}, revoked at ${new Date(k.revokedAt).toISOString()} by ${k.revokedBy}${k.revokeReason ? ` (${k.revokeReason})` : ""}`);
  if (!isAbout(statement, hex)) {
    const about = subjectDigests(statement).map(formatDigest).join(", ") || "no sha256 digest";
    return fact("subject_mismatch", `signed by ${who}, but over ${about}, not this artifact ${formatDigest(hex)}`);
  }
  if (k.services.length > 0 && !k.services.includes(service)) return fact("not_for_service", `signed by ${who}, which may sign only ${k.services.join(", ")}, not ${service}`);
  return fact("verified", `signed by ${who}`);
}

function malformed(attachmentId: string, why: string): SignatureFact {
  return { key: null, keyId: null, status: "malformed", verified: false, detail: `an unreadable envelope: ${why}`, predicateType: null, attachmentId };
}
