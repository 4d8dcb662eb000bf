import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { badInput, isDuration, parseDuration } from "../../core/index.js";
import { listChanges } from "../../engine/index.js";
import { mayView, scopeFilter } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lower-case name (letters, digits, '-')");
/** A duration back from now (2h, 30m, 1h30m) or an ISO 8601 time. */
const when = z.string().refine((s) => isDuration(s) || !Number.isNaN(Date.parse(s)), "expected a duration such as 2h or 1h30m, or an ISO 8601 time");

const changesQuery = z.object({
  environment: name.optional(),
  service: name.optional(),
  since: when.default("2h"),
  until: when.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** "What changed?" for incident bridges: deployments, rollbacks, overrides and config changes in a window. */
export function registerChangeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(
    app,
    { method: "GET", path: "/api/v1/changes", summary: "Every deployment, rollback, override and config change in a window, newest first", query: changesQuery, access: "viewer", scope: ({ query }) => query },
    async ({ query, request }) => {
      const now = ctx.clock.now();
      const at = (s: string) => (isDuration(s) ? now - parseDuration(s) : Date.parse(s));
      const since = at(query.since);
      const until = query.until === undefined ? now + 1 : at(query.until);
      if (!(since < until)) throw badInput(`the window is empty: since (${new Date(since).toISOString()}) is not before until (${new Date(until).toISOString()})`);
      const scope = scopeFilter(request);
      const changes = await listChanges(ctx.engine.ctx, {
        since,
        until,
        environment: query.environment ?? scope.environment,
        service: query.service ?? scope.service,
        limit: query.limit,
      });
      return { since, until, changes: changes.filter((c) => mayView(request, { service: c.service, ...(c.environment === null ? {} : { environment: c.environment }) })) };
    },
  );
}
