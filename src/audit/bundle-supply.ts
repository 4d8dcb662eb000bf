/**
 * The supply-chain part of an evidence bundle: the artifact's provenance (the document itself),
 * its SBOM's digest, and every signature with the public key that checked it and the verdict
 * at export time. A verifier with no server re-checks all of it: the signatures against the
 * bundled public keys (DSSE PAE), that the statements are about the artifact's digest, the
 * documents' digests, and that every bundled document was recorded in the hash chain.
 */
import { createHash, createPublicKey } from "node:crypto";
import {
  checkProvenance,
  decodeBase64,
  getAttachmentDocument,
  IN_TOTO_PAYLOAD_TYPE,
  isAbout,
  listKeys,
  parseEnvelope,
  parseStatement,
  supplyFacts,
  verifyEnvelope,
  type HasDb,
  type KeyAlgorithm,
} from "../supply/index.js";
import type { AuditEvent } from "./types.js";

export interface BundleSignature {
  attachmentId: string;
  /** The DSSE envelope as stored. */
  envelope: string;
  /** The registered key that verified it, with its public half (null: none did). */
  key: { name: string; keyId: string; algorithm: KeyAlgorithm; publicKeyPem: string; revokedAt: number | null } | null;
  status: string;
  verified: boolean;
  detail: string;
}

export interface SupplySection {
  digest: string;
  provenance: { attachmentId: string; docDigest: string; document: string; builderId: string; invocationId: string | null; commit: string | null; signedBy: string[] } | null;
  sbom: { attachmentId: string; docDigest: string; format: string; specVersion: string; components: number; signedBy: string[] } | null;
  signatures: BundleSignature[];
  scans: { attachmentId: string; docDigest: string; tool: string; counts: Record<string, number> }[];
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Reads and checks what is attached to the artifact now (signatures against the registered keys). */
export async function buildSupplySection(store: HasDb, artifact: { service: string; digest: string }): Promise<SupplySection> {
  const facts = await supplyFacts(store, artifact.digest, artifact.service);
  const keys = await listKeys(store);
  const signatures: BundleSignature[] = [];
  for (const s of facts.signatures) {
    const doc = await getAttachmentDocument(store, artifact.digest, s.attachmentId);
    const k = s.key ? keys.find((x) => x.name === s.key) : undefined;
    signatures.push({ attachmentId: s.attachmentId, envelope: doc.document, key: k ? { name: k.name, keyId: k.keyId, algorithm: k.algorithm, publicKeyPem: k.publicPem, revokedAt: k.revokedAt } : null, status: s.status, verified: s.verified, detail: s.detail });
  }
  const p = facts.provenance;
  return {
    digest: artifact.digest,
    provenance: p ? { attachmentId: p.attachmentId, docDigest: p.docDigest, document: (await getAttachmentDocument(store, artifact.digest, p.attachmentId)).document, builderId: p.builderId, invocationId: p.invocationId, commit: p.commit, signedBy: p.signedBy } : null,
    sbom: facts.sbom ? { attachmentId: facts.sbom.attachmentId, docDigest: facts.sbom.docDigest, format: facts.sbom.format, specVersion: facts.sbom.specVersion, components: facts.sbom.components, signedBy: facts.sbom.signedBy } : null,
    signatures,
    scans: facts.scans.map((s) => ({ attachmentId: s.attachmentId, docDigest: s.docDigest, tool: s.tool, counts: s.counts })),
  };
}

/** Offline checks of a bundle's supply section; appends a sentence per problem. */
export function checkSupplySection(section: unknown, artifactDigest: unknown, events: readonly AuditEvent[], problems: string[]): void {
  if (section === null || section === undefined) return;
  const s = section as SupplySection;
  if (s.digest !== artifactDigest) problems.push(`supplyChain.digest ${String(s.digest)} is not the artifact's digest ${String(artifactDigest)}`);
  const recorded = new Set(events.filter((e) => /^artifact\.\w+\.attached$/.test(e.action)).map((e) => (e.payload as { docDigest?: string } | null)?.docDigest));
  const onRecord = (what: string, docDigest: string) => {
    if (!recorded.has(docDigest)) problems.push(`${what} (document sha256:${docDigest.slice(0, 12)}…) is not recorded in the audit chain`);
  };
  for (const [i, sig] of (s.signatures ?? []).entries()) {
    onRecord(`signature ${i}`, sha256(sig.envelope));
    checkSignature(sig, s.digest, i, problems);
  }
  if (s.provenance) {
    if (sha256(s.provenance.document) !== s.provenance.docDigest) problems.push("supplyChain.provenance.document does not hash to its docDigest");
    onRecord("the provenance", s.provenance.docDigest);
    try {
      const value = JSON.parse(s.provenance.document) as Record<string, unknown>;
      const statement = "payloadType" in value ? parseStatement(decodeBase64(parseEnvelope(value, "provenance").payload), "provenance") : parseStatement(value, "provenance");
      checkProvenance(statement, s.digest, "the bundled provenance");
    } catch (err) {
      problems.push(`supplyChain.provenance: ${(err as Error).message}`);
    }
  }
  if (s.sbom) onRecord("the SBOM", s.sbom.docDigest);
}

/** A signature claimed verified must verify with its bundled key and be about the artifact. */
function checkSignature(sig: BundleSignature, digest: string, i: number, problems: string[]): void {
  if (!sig.verified) return;
  if (!sig.key) {
    problems.push(`signature ${i} is marked verified but names no key`);
    return;
  }
  try {
    const envelope = parseEnvelope(sig.envelope, `signature ${i}`);
    const key = { key: createPublicKey(sig.key.publicKeyPem), algorithm: sig.key.algorithm };
    const { payload, signatures } = verifyEnvelope(envelope, [key]);
    if (!signatures.some((x) => x.verifiedBy)) problems.push(`signature ${i} is marked verified but does not verify with the bundled key ${sig.key.name}`);
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE || !isAbout(parseStatement(payload, `signature ${i}`), digest)) problems.push(`signature ${i} is marked verified but its statement is not about sha256:${digest}`);
    if (sig.key.revokedAt !== null) problems.push(`signature ${i} is marked verified but its key ${sig.key.name} is revoked`);
  } catch (err) {
    problems.push(`signature ${i}: ${(err as Error).message}`);
  }
}
