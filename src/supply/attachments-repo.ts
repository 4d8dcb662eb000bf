import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import { newId, notFound, type Clock } from "../core/index.js";
import type { ArtifactAttachmentsTable } from "../store/index.js";
import type { HasDb } from "./artifact-repo.js";
import { formatDigest } from "./names.js";

/** What a document attached to an artifact digest is. */
export type AttachmentKind = "signature" | "provenance" | "sbom" | "scan";
export type AttachmentFormat = "dsse" | "in-toto" | "cyclonedx" | "spdx" | "sarif" | "grype" | "trivy";

/** An attachment without its document (summaries are what lists show). */
export interface Attachment {
  id: string;
  digest: string;
  kind: AttachmentKind;
  format: AttachmentFormat;
  /** sha256 hex of the document's UTF-8 bytes. */
  docDigest: string;
  summary: unknown;
  uploadedBy: string;
  createdAt: number;
}

export type AttachmentWithDocument = Attachment & { document: string };

function rowToAttachment(row: Omit<Selectable<ArtifactAttachmentsTable>, "document">): Attachment {
  return {
    id: row.id,
    digest: row.digest,
    kind: row.kind as AttachmentKind,
    format: row.format as AttachmentFormat,
    docDigest: row.doc_digest,
    summary: JSON.parse(row.summary_json),
    uploadedBy: row.uploaded_by,
    createdAt: Number(row.created_at),
  };
}

export const sha256Text = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * Stores a document about `digest`. The same document attached twice is stored once
 * (created: false), so retries and re-runs are harmless.
 */
export async function insertAttachment(
  store: HasDb,
  input: { digest: string; kind: AttachmentKind; format: AttachmentFormat; document: string; summary: unknown; actor: string },
  clock: Clock,
): Promise<{ attachment: Attachment; created: boolean }> {
  const docDigest = sha256Text(input.document);
  const existing = await store.db
    .selectFrom("artifact_attachments")
    .select(["id", "digest", "kind", "format", "doc_digest", "summary_json", "uploaded_by", "created_at"])
    .where("digest", "=", input.digest)
    .where("kind", "=", input.kind)
    .where("doc_digest", "=", docDigest)
    .executeTakeFirst();
  if (existing) return { attachment: rowToAttachment(existing), created: false };
  const row: ArtifactAttachmentsTable = {
    id: newId(),
    digest: input.digest,
    kind: input.kind,
    format: input.format,
    doc_digest: docDigest,
    document: input.document,
    summary_json: JSON.stringify(input.summary),
    uploaded_by: input.actor,
    created_at: clock.now(),
  };
  await store.db.insertInto("artifact_attachments").values(row).execute();
  return { attachment: rowToAttachment(row), created: true };
}

/** A digest's attachments (of the given kinds), oldest first, without their documents. */
export async function listAttachments(store: HasDb, digest: string, kinds?: readonly AttachmentKind[]): Promise<Attachment[]> {
  let q = store.db
    .selectFrom("artifact_attachments")
    .select(["id", "digest", "kind", "format", "doc_digest", "summary_json", "uploaded_by", "created_at"])
    .where("digest", "=", digest);
  if (kinds) q = q.where("kind", "in", [...kinds]);
  return (await q.orderBy("created_at").orderBy("id").execute()).map(rowToAttachment);
}

/** A digest's attachments of the given kinds with their documents, oldest first. */
export async function listAttachmentDocuments(store: HasDb, digest: string, kinds: readonly AttachmentKind[]): Promise<AttachmentWithDocument[]> {
  const rows = await store.db.selectFrom("artifact_attachments").selectAll().where("digest", "=", digest).where("kind", "in", [...kinds]).orderBy("created_at").orderBy("id").execute();
  return rows.map((r) => ({ ...rowToAttachment(r), document: r.document }));
}

/** One attachment with its document, or not_found. */
export async function getAttachmentDocument(store: HasDb, digest: string, id: string): Promise<AttachmentWithDocument> {
  const row = await store.db.selectFrom("artifact_attachments").selectAll().where("digest", "=", digest).where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`artifact ${formatDigest(digest)} has no attachment ${id}`, { hint: "list them with slipway artifact show DIGEST" });
  return { ...rowToAttachment(row), document: row.document };
}
