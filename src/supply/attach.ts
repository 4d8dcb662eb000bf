import { badInput, systemClock, type Clock } from "../core/index.js";
import { listArtifactsByDigest, type HasDb } from "./artifact-repo.js";
import { insertAttachment, type Attachment, type AttachmentFormat, type AttachmentKind } from "./attachments-repo.js";
import { decodeBase64, IN_TOTO_PAYLOAD_TYPE, parseEnvelope, type Envelope } from "./dsse.js";
import { listKeys } from "./keys-repo.js";
import { formatDigest } from "./names.js";
import { checkProvenance, sameCommit, type ProvenanceSummary } from "./provenance.js";
import { parseScanReport } from "./scans.js";
import { validateSbom } from "./sbom-validate.js";
import { checkEnvelope } from "./signature-check.js";
import { parseStatement, type Statement } from "./statement.js";

/**
 * Attaching documents to an artifact digest. Each is checked before anything is stored: a
 * signature must verify with a registered, active key allowed for the artifact's service and
 * be about these bytes; provenance must be SLSA v1 about these bytes (and agree with the
 * commit the artifact was pushed with); SBOMs and scan reports must be valid documents.
 */

/** Largest documents accepted, in bytes of JSON text. */
export const ATTACHMENT_LIMITS = { signature: 4 * 1024 * 1024, provenance: 4 * 1024 * 1024, sbom: 32 * 1024 * 1024, scan: 32 * 1024 * 1024 } as const satisfies Record<AttachmentKind, number>;

export interface AttachInput {
  /** Bare hex digest of an artifact that exists. */
  digest: string;
  document: string;
  actor: string;
}

export interface AttachResult {
  attachment: Attachment;
  created: boolean;
}

async function artifactsOf(store: HasDb, digest: string) {
  const artifacts = await listArtifactsByDigest(store, digest);
  if (artifacts.length === 0) throw badInput(`no artifact has digest ${formatDigest(digest)}`, { hint: "push the artifact first (slipway artifact push)" });
  return artifacts;
}

function checkSize(kind: AttachmentKind, document: string): void {
  const limit = ATTACHMENT_LIMITS[kind];
  if (Buffer.byteLength(document) > limit) throw badInput(`the ${kind} document is larger than ${limit / (1024 * 1024)} MiB`, { hint: `a ${kind} document this large is not a real one; check what is being attached` });
}

const store_ = (store: HasDb, input: AttachInput, kind: AttachmentKind, format: AttachmentFormat, summary: unknown, clock: Clock) =>
  insertAttachment(store, { digest: input.digest, kind, format, document: input.document, summary, actor: input.actor }, clock);

/** Attaches a DSSE envelope that signs an in-toto statement about the artifact. */
export async function attachSignature(store: HasDb, input: AttachInput, clock: Clock = systemClock): Promise<AttachResult> {
  checkSize("signature", input.document);
  const artifacts = await artifactsOf(store, input.digest);
  const envelope = parseEnvelope(input.document, "the signature envelope");
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw badInput(`the envelope's payloadType is ${envelope.payloadType}`, { hint: `sign an in-toto statement (payloadType ${IN_TOTO_PAYLOAD_TYPE})` });
  const keys = await listKeys(store);
  const { facts } = checkEnvelope(input.document, "new", keys, input.digest, artifacts[0]!.service);
  const good = facts.filter((f) => f.verified);
  if (good.length === 0) {
    const why = facts.map((f) => f.detail).join("; ");
    const onlyUnknown = facts.every((f) => f.status === "unknown_key");
    throw badInput(`the signature does not count for ${formatDigest(input.digest)}: ${why}`, {
      hint: onlyUnknown ? "register the signing key's public half first: slipway keys register NAME --public NAME.pub" : "sign these exact bytes with an active key allowed for the service",
    });
  }
  return store_(store, input, "signature", "dsse", { keys: good.map((f) => f.key), predicateType: good[0]!.predicateType }, clock);
}

/** Attaches SLSA v1 provenance: a bare in-toto statement, or one in a DSSE envelope. */
export async function attachProvenance(store: HasDb, input: AttachInput, clock: Clock = systemClock): Promise<AttachResult> {
  checkSize("provenance", input.document);
  const artifacts = await artifactsOf(store, input.digest);
  const { statement, envelope } = readStatementOrEnvelope(input.document);
  const { summary } = checkProvenance(statement, input.digest, "the provenance");
  for (const a of artifacts) {
    if (a.commit && summary.commit && !sameCommit(a.commit, summary.commit)) {
      throw badInput(`the provenance says commit ${summary.commit}, but ${a.service} ${a.version} was pushed as commit ${a.commit}`, {
        hint: "attach the provenance of the build that made these bytes, from the commit the artifact names",
      });
    }
  }
  let signedBy: string[] = [];
  if (envelope) {
    const { facts } = checkEnvelope(input.document, "new", await listKeys(store), input.digest, artifacts[0]!.service);
    signedBy = facts.filter((f) => f.verified).map((f) => f.key!);
  }
  const stored: ProvenanceSummary & { signedBy: string[] } = { ...summary, signedBy };
  return store_(store, input, "provenance", envelope ? "dsse" : "in-toto", stored, clock);
}

function readStatementOrEnvelope(document: string): { statement: Statement; envelope: Envelope | null } {
  let value: unknown;
  try {
    value = JSON.parse(document);
  } catch (err) {
    throw badInput(`the provenance is not JSON: ${(err as Error).message}`, { hint: "give an in-toto Statement with an SLSA v1 predicate, or a DSSE envelope of one" });
  }
  if (value !== null && typeof value === "object" && "payloadType" in value) {
    const envelope = parseEnvelope(value, "the provenance envelope");
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw badInput(`the provenance envelope's payloadType is ${envelope.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`);
    return { statement: parseStatement(decodeBase64(envelope.payload), "the provenance envelope's payload"), envelope };
  }
  return { statement: parseStatement(value, "the provenance"), envelope: null };
}

/** Attaches a CycloneDX or SPDX SBOM. */
export async function attachSbom(store: HasDb, input: AttachInput, clock: Clock = systemClock): Promise<AttachResult> {
  checkSize("sbom", input.document);
  await artifactsOf(store, input.digest);
  const summary = await validateSbom(input.document, "the SBOM");
  return store_(store, input, "sbom", summary.format, summary, clock);
}

/** Attaches a vulnerability report (SARIF, Grype JSON or Trivy JSON). */
export async function attachScan(store: HasDb, input: AttachInput, clock: Clock = systemClock): Promise<AttachResult> {
  checkSize("scan", input.document);
  await artifactsOf(store, input.digest);
  const summary = parseScanReport(input.document, "the scan report");
  return store_(store, input, "scan", summary.format, summary, clock);
}
