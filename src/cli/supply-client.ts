import { readFile, stat } from "node:fs/promises";
import { badInput, type Artifact } from "../core/index.js";
import {
  ATTACHMENT_LIMITS,
  IN_TOTO_PAYLOAD_TYPE,
  artifactSubjectName,
  parsePrivateKey,
  releaseStatement,
  signEnvelope,
  type Attachment,
  type AttachmentKind,
  type AttachResult,
  type ReleasePredicate,
} from "../supply/index.js";
import { apiRequest, JsonDocument, type ApiTarget } from "./api-client.js";

/** What GET /artifacts/by-digest/{digest} answers. */
export interface DigestInfo {
  digest: string;
  artifacts: Artifact[];
  attachments: Attachment[];
}

const PATHS: Record<AttachmentKind, string> = { signature: "signatures", provenance: "provenance", sbom: "sbom", scan: "scans" };

/**
 * Reads a document to attach. Its size is checked before a byte is read, so a 100 MB file is
 * refused at once (exit 2), as the server would refuse it.
 */
export async function readDocument(path: string, kind: AttachmentKind): Promise<string> {
  const info = await stat(path).catch(() => {
    throw badInput(`${path} does not exist`, { hint: `give the ${kind} file` });
  });
  if (!info.isFile()) throw badInput(`${path} is not a file`, { hint: `give the ${kind} file` });
  const limit = ATTACHMENT_LIMITS[kind];
  if (info.size > limit) throw badInput(`${path} is ${(info.size / (1024 * 1024)).toFixed(1)} MiB; a ${kind} document may be at most ${limit / (1024 * 1024)} MiB`, { hint: `check that ${path} is the ${kind} you meant; nothing was sent` });
  return readFile(path, "utf8");
}

/** Attaches a document (as sent, byte for byte) to artifact `hex`. */
export async function attachDocument(target: ApiTarget, hex: string, kind: AttachmentKind, text: string): Promise<AttachResult> {
  return apiRequest<AttachResult>(target, "POST", `/artifacts/by-digest/sha256:${hex}/${PATHS[kind]}`, new JsonDocument(text));
}

export async function digestInfo(target: ApiTarget, hex: string): Promise<DigestInfo> {
  return apiRequest<DigestInfo>(target, "GET", `/artifacts/by-digest/sha256:${hex}`);
}

/** Reads a private key file for signing. */
export async function readSigningKey(file: string): Promise<ReturnType<typeof parsePrivateKey>> {
  const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    throw badInput(`cannot read key file ${file} (${err.code ?? err.message})`, { hint: "give the private key file slipway keys create wrote (NAME.key)" });
  });
  return parsePrivateKey(text, `key file ${file}`);
}

/**
 * Signs a release statement about artifact `hex` (binding the provenance and SBOM attached now)
 * with the private key in `keyFile`, and attaches the envelope. The key never leaves this process.
 */
export async function signRelease(target: ApiTarget, hex: string, keyFile: string): Promise<{ result: AttachResult; predicate: ReleasePredicate; keyId: string }> {
  const key = await readSigningKey(keyFile);
  const info = await digestInfo(target, hex);
  const artifact = info.artifacts[0]!;
  const latest = (kind: AttachmentKind) => info.attachments.filter((a) => a.kind === kind).at(-1);
  const provenance = latest("provenance");
  const sbom = latest("sbom");
  const predicate: ReleasePredicate = {
    service: artifact.service,
    version: artifact.version,
    commit: artifact.commit,
    ...(provenance ? { provenance: { digest: { sha256: provenance.docDigest } } } : {}),
    ...(sbom ? { sbom: { digest: { sha256: sbom.docDigest } } } : {}),
  };
  const statement = releaseStatement(hex, artifactSubjectName(artifact.service, artifact.version), predicate);
  const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), key.key, key.algorithm, key.keyId);
  return { result: await attachDocument(target, hex, "signature", JSON.stringify(envelope)), predicate, keyId: key.keyId };
}
