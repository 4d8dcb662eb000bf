/** The commits an artifact contains (its own and those since the previous build): what lead time per commit is measured on. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { recordArtifactCommits } from "../../insights/index.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const commitsBody = z.strictObject({
  commits: z
    .array(
      z.strictObject({
        sha: z.string().regex(/^[0-9a-fA-F]{7,64}$/, "expected a commit sha (hex)"),
        at: z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), "expected the commit time in ISO 8601 (git log --format=%cI)"),
      }),
    )
    .min(1)
    .max(100_000),
});

export function registerArtifactCommitRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/artifacts/{service}/{version}/commits", summary: "Record the commits an artifact contains, with their commit times (lead time per commit)", body: commitsBody, access: "deployer", scope: ({ params }) => ({ service: params.service, environment: null }) }, async ({ params, body }) =>
    recordArtifactCommits(ctx.store.db, params.service!, params.version!, body.commits.map((c) => ({ sha: c.sha.toLowerCase(), at: Date.parse(c.at) }))),
  );
}
