/**
 * The supply chain: immutable build outputs stored content-addressed (sha256) under the data
 * directory, recorded in the database and unpacked by digest for deployment (archives checked
 * for entries that could escape, at push and at unpack); and what is known about them:
 * signatures (DSSE envelopes of in-toto statements, by registered ed25519 / ECDSA P-256 keys),
 * SLSA v1 provenance, SBOMs (CycloneDX, SPDX) and vulnerability reports. `supplyFacts` checks
 * all of it for one digest, for the gates, `artifact verify`, trace and evidence bundles.
 */
export { pushArtifact, type PushArtifactInput, type PushArtifactResult } from "./push.js";
export { unpackArtifact, checkStoredArtifact, UNPACK_MARKER } from "./unpack.js";
export {
  getArtifact,
  requireArtifact,
  listArtifacts,
  listArtifactsByDigest,
  rowToArtifact,
  artifactToRow,
  type HasDb,
} from "./artifact-repo.js";
export { artifactPath, sha256File } from "./blob-store.js";
export { validateArchive, checkEntries, type ArchiveEntry } from "./archive-safety.js";
export { DEFAULT_ARCHIVE_LIMITS, archiveLimits, archiveLimitsSchema, formatBytes, setArchiveLimits, type ArchiveLimits } from "./archive-limits.js";
export { packDirectory } from "./pack.js";
export { checkServiceName, checkVersion, parseDigest, formatDigest, shortDigest } from "./names.js";
export { KEY_ALGORITHMS, MAX_KEY_PEM_BYTES, generateKeyPair, keyIdOf, parsePrivateKey, parsePublicKey, shortKeyId, type KeyAlgorithm, type GeneratedKeyPair, type PrivateKeyInfo, type PublicKeyInfo } from "./keys.js";
export { IN_TOTO_PAYLOAD_TYPE, decodeBase64, envelopeSchema, pae, parseEnvelope, signEnvelope, verifyEnvelope, verifySignature, type Envelope } from "./dsse.js";
export { RELEASE_PREDICATE_TYPE, STATEMENT_TYPE, artifactSubjectName, isAbout, parseStatement, releaseStatement, subjectDigests, type ReleasePredicate, type Statement } from "./statement.js";
export { SLIPWAY_BUILD_TYPE, SLSA_PROVENANCE_V1, buildProvenance, checkProvenance, sameCommit, type BuildFacts, type ProvenanceSummary } from "./provenance.js";
export { generateNodeSbom, type SbomOptions } from "./sbom-generate.js";
export { validateSbom, type SbomFormat, type SbomSummary } from "./sbom-validate.js";
export { SEVERITIES, parseScanReport, severityRank, type Finding, type ScanFormat, type ScanSummary, type Severity } from "./scans.js";
export { checkKeyName, listKeys, registerKey, requireKey, revokeKey, type RegisterKeyInput, type SigningKey } from "./keys-repo.js";
export { getAttachmentDocument, listAttachments, sha256Text, type Attachment, type AttachmentFormat, type AttachmentKind } from "./attachments-repo.js";
export { ATTACHMENT_LIMITS, attachProvenance, attachSbom, attachScan, attachSignature, type AttachInput, type AttachResult } from "./attach.js";
export { checkEnvelope, type SignatureFact, type SignatureStatus } from "./signature-check.js";
export { supplyFacts, type ProvenanceFact, type SbomFact, type ScanFact, type SupplyFacts } from "./facts.js";
export { verifyArtifact, type ArtifactVerification } from "./verify-artifact.js";
