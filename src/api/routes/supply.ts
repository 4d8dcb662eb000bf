/**
 * What is attached to an artifact, by digest: signatures (DSSE envelopes), SLSA provenance,
 * SBOMs and vulnerability reports go in as documents taken byte for byte (their digests are
 * what a signed release statement binds); `verify` checks everything now.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { appendAuditEvent } from "../../audit/index.js";
import { badInput, notFound } from "../../core/index.js";
import { signaturesGate } from "../../policy/index.js";
import {
  ATTACHMENT_LIMITS,
  attachProvenance,
  attachSbom,
  attachScan,
  attachSignature,
  getAttachmentDocument,
  listArtifactsByDigest,
  listAttachments,
  parseDigest,
  verifyArtifact,
  type AttachInput,
  type AttachmentKind,
  type AttachResult,
} from "../../supply/index.js";
import { actorOf } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route, type ScopeInput } from "../route-kit.js";

/** The service an artifact digest belongs to (its first push), for token scopes. */
async function digestScope(ctx: ApiContext, { params }: ScopeInput<unknown, unknown>) {
  const hex = parseDigest(params.digest ?? "");
  const [first] = await listArtifactsByDigest(ctx.store, hex);
  if (!first) throw notFound(`no artifact has digest sha256:${hex}`, { hint: "push it first (slipway artifact push)" });
  return { service: first.service, environment: null };
}

const ATTACHERS: Record<AttachmentKind, (store: ApiContext["store"], input: AttachInput, clock: ApiContext["clock"]) => Promise<AttachResult>> = {
  signature: attachSignature,
  provenance: attachProvenance,
  sbom: attachSbom,
  scan: attachScan,
};

const ROUTES: { kind: AttachmentKind; path: string; summary: string }[] = [
  { kind: "signature", path: "signatures", summary: "Attach a signature: a DSSE envelope of an in-toto statement about the digest, by a registered key" },
  { kind: "provenance", path: "provenance", summary: "Attach SLSA v1 provenance (an in-toto statement, or a DSSE envelope of one) about the digest" },
  { kind: "sbom", path: "sbom", summary: "Attach an SBOM (CycloneDX JSON or SPDX 2.3 JSON), validated" },
  { kind: "scan", path: "scans", summary: "Attach a vulnerability report (SARIF 2.1.0, Grype JSON or Trivy JSON)" },
];

const verifyQuery = z.object({ keys: z.string().max(1000).optional() });

export function registerSupplyRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // Documents are kept as sent: JSON bodies here stay text (their sha256 is what a release statement binds).
  app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, body));
    for (const r of ROUTES) {
      route(scope, { method: "POST", path: `/api/v1/artifacts/by-digest/{digest}/${r.path}`, summary: r.summary, access: "deployer", rawBody: "application/json", bodyLimit: ATTACHMENT_LIMITS[r.kind], scope: (input) => digestScope(ctx, input) }, async ({ params, request, reply }) => {
        if (typeof request.body !== "string" || request.body.length === 0) throw badInput(`the request body must be the ${r.kind} document`, { hint: "send it as the raw body with content-type: application/json" });
        const hex = parseDigest(params.digest!);
        const result = await ATTACHERS[r.kind](ctx.store, { digest: hex, document: request.body, actor: actorOf(request) }, ctx.clock);
        if (result.created) await recordAttachment(ctx, hex, actorOf(request), result);
        reply.status(result.created ? 201 : 200);
        return result;
      });
    }
  });

  route(app, { method: "GET", path: "/api/v1/artifacts/by-digest/{digest}", summary: "An artifact by digest: its pushes and everything attached (summaries)", access: "viewer", scope: (input) => digestScope(ctx, input) }, async ({ params }) => {
    const hex = parseDigest(params.digest!);
    return { digest: hex, artifacts: await listArtifactsByDigest(ctx.store, hex), attachments: await listAttachments(ctx.store, hex) };
  });

  route(app, { method: "GET", path: "/api/v1/artifacts/by-digest/{digest}/attachments/{id}", summary: "One attached document, as it was sent", access: "viewer", scope: (input) => digestScope(ctx, input) }, async ({ params, reply }) => {
    const doc = await getAttachmentDocument(ctx.store, parseDigest(params.digest!), params.id!);
    reply.header("content-type", "application/json; charset=utf-8");
    return doc.document;
  });

  route(app, { method: "GET", path: "/api/v1/artifacts/by-digest/{digest}/verify", summary: "Verify an artifact now: stored bytes, signatures (keys=a,b: as signed_by would), provenance, SBOM, scans", query: verifyQuery, access: "viewer", scope: (input) => digestScope(ctx, input) }, async ({ params, query }) => {
    const result = await verifyArtifact(ctx.store, ctx.dataDir, parseDigest(params.digest!));
    const keys = query.keys ? query.keys.split(",").map((k) => k.trim()).filter(Boolean) : [];
    const gate = keys.length > 0 ? signaturesGate(keys, result.facts) : null;
    const signed = gate ? gate.passed : result.facts.signatures.some((s) => s.verified);
    return { ...result, signaturesGate: gate, ok: result.blob.ok && signed };
  });
}

/** An audit event on each (service, version) with these bytes, so evidence bundles carry it. */
async function recordAttachment(ctx: ApiContext, hex: string, actor: string, result: AttachResult): Promise<void> {
  const a = result.attachment;
  for (const artifact of await listArtifactsByDigest(ctx.store, hex)) {
    await appendAuditEvent(
      ctx.store.db,
      ctx.store.dialect,
      { actor, action: `artifact.${a.kind}.attached`, subject: `artifact/${artifact.service}/${artifact.version}`, payload: { digest: hex, attachmentId: a.id, format: a.format, docDigest: a.docDigest, summary: briefOf(a.kind, a.summary) } },
      ctx.clock,
    );
  }
}

/** What an audit event keeps of a summary: no finding lists, just what identifies it. */
function briefOf(kind: AttachmentKind, summary: unknown): unknown {
  const s = summary as Record<string, unknown>;
  if (kind === "scan") return { tool: s.tool, counts: s.counts };
  return s;
}
