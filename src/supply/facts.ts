import type { HasDb } from "./artifact-repo.js";
import { listAttachmentDocuments, type AttachmentWithDocument } from "./attachments-repo.js";
import { listKeys } from "./keys-repo.js";
import type { ProvenanceSummary } from "./provenance.js";
import type { SbomSummary } from "./sbom-validate.js";
import type { ScanSummary } from "./scans.js";
import { checkEnvelope, type SignatureFact, type VerifiedStatement } from "./signature-check.js";
import { RELEASE_PREDICATE_TYPE, type ReleasePredicate } from "./statement.js";

/**
 * What the supply chain says about one artifact, checked now against the registered keys
 * (so a key revoked since the upload no longer counts). The signed_by, provenance, sbom and
 * max_severity gates, `artifact verify`, `trace` and evidence bundles all read these facts.
 */

interface Stored {
  attachmentId: string;
  /** sha256 hex of the stored document. */
  docDigest: string;
  uploadedBy: string;
  uploadedAt: number;
}

/** The provenance, and every active key that vouches for it (its envelope, or a release statement binding its digest). */
export type ProvenanceFact = ProvenanceSummary & Stored & { format: "dsse" | "in-toto"; signedBy: string[] };
export type SbomFact = SbomSummary & Stored & { signedBy: string[] };
export type ScanFact = ScanSummary & Stored;

export interface SupplyFacts {
  digest: string;
  signatures: SignatureFact[];
  provenance: ProvenanceFact | null;
  sbom: SbomFact | null;
  /** The latest report of each scanner. */
  scans: ScanFact[];
}

const stored = (a: AttachmentWithDocument): Stored => ({ attachmentId: a.id, docDigest: a.docDigest, uploadedBy: a.uploadedBy, uploadedAt: a.createdAt });

/** Gathers and checks everything attached to artifact `digest` of `service`. */
export async function supplyFacts(store: HasDb, digest: string, service: string): Promise<SupplyFacts> {
  const docs = await listAttachmentDocuments(store, digest, ["signature", "provenance", "sbom", "scan"]);
  const keys = await listKeys(store);
  const signatures: SignatureFact[] = [];
  const verified: VerifiedStatement[] = [];
  const envelopeKeys = new Map<string, string[]>();
  for (const d of docs) {
    if (d.format !== "dsse") continue;
    const checked = checkEnvelope(d.document, d.id, keys, digest, service);
    signatures.push(...checked.facts);
    verified.push(...checked.verified);
    envelopeKeys.set(d.id, checked.verified.map((v) => v.key));
  }
  const latest = (kind: string) => docs.filter((d) => d.kind === kind).at(-1);
  const prov = latest("provenance");
  const sbom = latest("sbom");
  return {
    digest,
    signatures,
    provenance: prov
      ? { ...(prov.summary as ProvenanceSummary), ...stored(prov), format: prov.format as "dsse" | "in-toto", signedBy: unique([...(envelopeKeys.get(prov.id) ?? []), ...bindersOf(verified, "provenance", prov.docDigest)]) }
      : null,
    sbom: sbom ? { ...(sbom.summary as SbomSummary), ...stored(sbom), signedBy: bindersOf(verified, "sbom", sbom.docDigest) } : null,
    scans: latestScans(docs.filter((d) => d.kind === "scan")),
  };
}

/** Keys whose verified release statements bind the document with this digest. */
function bindersOf(verified: readonly VerifiedStatement[], what: "provenance" | "sbom", docDigest: string): string[] {
  return unique(
    verified
      .filter((v) => v.statement.predicateType === RELEASE_PREDICATE_TYPE && (v.statement.predicate as Partial<ReleasePredicate> | undefined)?.[what]?.digest?.sha256 === docDigest)
      .map((v) => v.key),
  );
}

function latestScans(scans: AttachmentWithDocument[]): ScanFact[] {
  const byTool = new Map<string, ScanFact>();
  for (const s of scans) {
    const summary = s.summary as ScanSummary;
    byTool.set(`${summary.format}/${summary.tool}`, { ...summary, ...stored(s) });
  }
  return [...byTool.values()];
}

const unique = (xs: string[]): string[] => [...new Set(xs)].sort();
