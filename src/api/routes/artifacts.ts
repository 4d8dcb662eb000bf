import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { badInput } from "../../core/index.js";
import { listArtifacts, pushArtifact } from "../../supply/index.js";
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
  app.addContentTypeParser(["application/gzip", "application/octet-stream"], { parseAs: "buffer", bodyLimit: 1024 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  route(app, { method: "PUT", path: "/api/v1/artifacts/{service}/{version}", summary: "Push an artifact (body: .tgz bytes)", query: pushQuery, access: "deployer", scope: ({ params }) => ({ service: params.service, environment: null }) }, async ({ params, query, request, reply }) => {
    if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
      throw badInput("the request body must be the artifact's .tgz bytes", { hint: "send it with content-type: application/gzip (slipway artifact push does this)" });
    }
    const staging = join(ctx.dataDir, "tmp");
    await mkdir(staging, { recursive: true });
    const file = join(staging, `upload-${randomUUID()}.tgz`);
    await writeFile(file, request.body);
    try {
      const { artifact, created } = await pushArtifact(ctx.store, ctx.dataDir, { path: file, service: params.service!, version: params.version!, commit: query.commit ?? null, author: query.author ?? null }, ctx.clock);
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
