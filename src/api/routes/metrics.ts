import type { FastifyInstance } from "fastify";
import { createMetricsExposition } from "../../prometheus/index.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

/**
 * GET /metrics in the Prometheus text format. It needs a token with the viewer role (a
 * scrape config's `authorization: { credentials_file: … }`), unless the server was started
 * with --metrics-public for a scraper on a trusted network.
 */
export function registerMetricsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const exposition = createMetricsExposition({ store: ctx.store, router: ctx.router, counters: () => ctx.engine.ctx.counters });
  route(app, { method: "GET", path: "/metrics", summary: "Prometheus metrics: deployments, steps, verdicts, queue, leases, notification outbox, router per-version series", access: ctx.metricsPublic ? "public" : "viewer" }, async ({ reply }) => {
    const text = await exposition.scrape();
    reply.type(exposition.contentType);
    return text;
  });
}
