import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { badInput, tooLarge } from "../../core/index.js";
import { formatBytes, listArtifacts, pushArtifact } from "../../supply/index.js";
import { appendAuditEvent } from "../../audit/index.js";
import { actorOf } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const pushQuery = z.object({
  commit: z.string().regex(/^[0-9a-f]{7,64}$/i, "expected a git commit SHA (7 to 64 hex digits)").optional(),
  author: z.string().max(200).optional(),
});

/** Artifacts arrive as a gzipped tarball in the request body (the CLI packs directories). */
export function registerArtifactRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // The body stays a stream: it goes to disk as it arrives, counted against the limit, and is never held in memory.
  app.addContentTypeParser(["application/gzip", "application/octet-stream"], (_req, payload, done) => done(null, payload));

  route(app, { method: "PUT", path: "/api/v1/artifacts/{service}/{version}", summary: "Push an artifact (body: .tgz bytes)", query: pushQuery, access: "deployer", scope: ({ params }) => ({ service: params.service, environment: null }) }, async ({ params, query, request, reply }) => {
    if (!isReadable(request.body)) {
      throw badInput("the request body must be the artifact's .tgz bytes", { hint: "send it with content-type: application/gzip (slipway artifact push does this)" });
    }
    const staging = join(ctx.dataDir, "tmp");
    await mkdir(staging, { recursive: true });
    const file = join(staging, `upload-${randomUUID()}.tgz`);
    try {
      await receiveUpload(request.body, file, Number(request.headers["content-length"] ?? NaN), ctx.limits.archive.compressedBytes).catch((err: unknown) => {
        // The rest of the body is not read: the connection closes after the answer.
        reply.header("connection", "close");
        throw err;
      });
      const { artifact, created } = await pushArtifact(ctx.store, ctx.dataDir, { path: file, label: `the artifact ${params.service} ${params.version}`, service: params.service!, version: params.version!, commit: query.commit ?? null, author: query.author ?? null }, ctx.clock);
      if (created) {
        await appendAuditEvent(ctx.store.db, ctx.store.dialect, { actor: actorOf(request), action: "artifact.pushed", subject: `artifact/${artifact.service}/${artifact.version}`, payload: { digest: artifact.digest, commit: artifact.commit, author: artifact.author, sizeBytes: artifact.sizeBytes } }, ctx.clock);
      }
      reply.status(created ? 201 : 200);
      return { artifact, created };
    } finally {
      await rm(file, { force: true });
    }
  });

  route(app, { method: "GET", path: "/api/v1/artifacts/{service}", summary: "List a service's artifacts", access: "viewer", scope: ({ params }) => ({ service: params.service, environment: null }) }, async ({ params }) => ({
    artifacts: await listArtifacts(ctx.store, params.service!),
  }));
}

function isReadable(body: unknown): body is Readable {
  return body instanceof Readable;
}

/**
 * Writes the upload to `file` as it arrives. A declared length over the limit is refused
 * before reading; a body that grows past it (no or a false length) is cut off there.
 */
async function receiveUpload(body: Readable, file: string, declared: number, limit: number): Promise<void> {
  const refusal = (size: string) => tooLarge(`the artifact is ${size}, more than the ${formatBytes(limit)} this server accepts`, { hint: "push what the service runs, without build caches or data (the limit is the server's SLIPWAY_MAX_ARTIFACT_BYTES)" });
  if (declared > limit) throw refusal(formatBytes(declared));
  let received = 0;
  const out = createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      body.pause();
      body.removeAllListeners("data");
      out.destroy();
      reject(err);
    };
    body.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return fail(refusal(`more than ${formatBytes(limit)}`));
      if (!out.write(chunk)) {
        body.pause();
        out.once("drain", () => body.resume());
      }
    });
    body.once("end", () => out.end(() => resolve()));
    body.once("error", fail);
    out.once("error", fail);
  });
  if (received === 0) throw badInput("the request body must be the artifact's .tgz bytes; it was empty", { hint: "send it with content-type: application/gzip (slipway artifact push does this)" });
}
