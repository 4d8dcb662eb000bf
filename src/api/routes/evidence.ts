import type { FastifyInstance } from "fastify";
import { exportEvidenceBundle } from "../../audit/index.js";
import { actorOf, deploymentTarget } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

/** A deployment's evidence bundle (docs/audit.md): verify it offline with `slipway audit verify-bundle`. */
export function registerEvidenceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(
    app,
    {
      method: "GET",
      path: "/api/v1/deployments/{id}/evidence",
      summary: "A deployment's evidence bundle, verifiable offline",
      access: "viewer",
      scope: ({ params }) => deploymentTarget(ctx.store, params.id!),
    },
    async ({ params, request }) => exportEvidenceBundle(ctx.store, params.id!, { clock: ctx.clock, actor: actorOf(request) }),
  );
}
