import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { SlipwayError } from "../../core/index.js";
import { actorOf, deploymentTarget, mayBreakGlass } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lower-case name (letters, digits, '-')");
const reason = z.string().trim().min(1, "say why").max(2000);

/** Break-glass fields shared by deploy and promote. */
export const overrideFields = {
  override_window: z.boolean().default(false),
  reason: reason.optional(),
};

/**
 * The override a request asks for, after checking the caller may break glass: the admin role
 * or an `emergency` grant, and a reason for the record.
 */
export function requestedOverride(request: FastifyRequest, body: { override_window: boolean; reason?: string | undefined }): { by: string; reason: string } | undefined {
  if (!body.override_window) return undefined;
  if (!mayBreakGlass(request.principal)) {
    throw new SlipwayError("forbidden", `token "${actorOf(request)}" cannot override change windows or freezes: that needs the admin role or an emergency grant`, {
      hint: "ask an admin, or for a token created with --grant emergency",
    });
  }
  if (!body.reason) throw new SlipwayError("bad_input", "--override-window needs --reason: an override is recorded with why it was needed", { hint: 'add --reason "…"' });
  return { by: actorOf(request), reason: body.reason };
}

const promoteBody = z.object({ service: name, from: name, to: name, ...overrideFields });
const decisionBody = z.object({ comment: z.string().trim().max(2000).optional() });
// Missing and empty comments get the same sentence (zod's default for a missing one says only "expected string").
const rejectBody = z.object({ comment: z.string({ error: "a rejection needs a comment saying why" }).trim().min(1, "a rejection needs a comment saying why").max(2000) });
const gatesQuery = z.object({ service: name, environment: name, version: z.string().min(1).max(128), override_window: z.enum(["true", "false"]).default("false") });

export function registerGovernanceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "POST", path: "/api/v1/promotions", summary: "Deploy what one environment runs (the same digest) to another", body: promoteBody, access: "deployer", action: "promote", scope: ({ body }) => ({ service: body.service, environment: body.to }) }, async ({ body, request, reply }) => {
    reply.status(201);
    return { deployment: await ctx.engine.promote({ service: body.service, from: body.from, to: body.to, actor: actorOf(request), reason: body.reason, override: requestedOverride(request, body) }) };
  });

  route(app, { method: "POST", path: "/api/v1/deployments/{id}/approve", summary: "Approve a deployment waiting for approval", body: decisionBody, access: "approver", action: "approve", scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params, body, request }) =>
    ctx.engine.decide({ deploymentId: params.id!, by: actorOf(request), role: request.principal!.role, decision: "approve", comment: body.comment }),
  );

  route(app, { method: "POST", path: "/api/v1/deployments/{id}/reject", summary: "Reject a deployment waiting for approval", body: rejectBody, access: "approver", action: "reject", scope: ({ params }) => deploymentTarget(ctx.store, params.id!) }, async ({ params, body, request }) =>
    ctx.engine.decide({ deploymentId: params.id!, by: actorOf(request), role: request.principal!.role, decision: "reject", comment: body.comment }),
  );

  route(app, { method: "GET", path: "/api/v1/gates", summary: "Evaluate every gate for a deployment without starting it (why not?)", query: gatesQuery, access: "viewer", scope: ({ query }) => query }, async ({ query, request }) =>
    ctx.engine.dryRun({
      service: query.service,
      environment: query.environment,
      version: query.version,
      actor: actorOf(request),
      override: query.override_window === "true" && mayBreakGlass(request.principal) ? { by: actorOf(request), reason: "dry run" } : null,
    }),
  );
}
