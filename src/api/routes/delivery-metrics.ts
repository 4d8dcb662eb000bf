/** Delivery metrics: the DORA keys, week by week and in all, and the KPIs of a service (or every service) over a window. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { doraReport, doraSeries, kpiReport, parseWindow, reportYears, type MetricsQuery } from "../../insights/index.js";
import { scopeFilter } from "../auth.js";
import type { ApiContext } from "../context.js";
import { route } from "../route-kit.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lower-case name (letters, digits, '-')");

const metricsQuery = z.strictObject({
  service: name.optional().describe("one service (default: every service)"),
  environment: name.optional().describe("one environment (default: every production environment)"),
  since: z.string().min(1).max(64).default("90d").describe("start: a duration back from now (90d) or an ISO 8601 time"),
  until: z.string().min(1).max(64).optional().describe("end: an ISO 8601 time or a duration back from now (default now)"),
  min_deployments: z.coerce.number().int().min(1).max(100_000).default(10).describe("fewer production deployments than this: no tiers"),
  year: z.coerce
    .number()
    .int()
    .refine((y) => reportYears().includes(y), { message: `expected a DORA report year with tiers: ${reportYears().join(", ")}` })
    .optional(),
});
type MetricsParams = z.output<typeof metricsQuery>;
/** The weekly series has no tiers: no minimum, no report year. */
const seriesQuery = metricsQuery.pick({ service: true, environment: true, since: true, until: true });

function toQuery(ctx: ApiContext, query: Pick<MetricsParams, "service" | "environment" | "since" | "until"> & Partial<MetricsParams>, request: FastifyRequest): MetricsQuery {
  const scope = scopeFilter(request);
  return {
    service: query.service ?? scope.service,
    environment: query.environment ?? scope.environment,
    window: parseWindow(query, ctx.clock.now()),
    ...(query.min_deployments !== undefined ? { minDeployments: query.min_deployments } : {}),
    ...(query.year !== undefined ? { reportYear: query.year } : {}),
  };
}

export function registerDeliveryMetricsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(app, { method: "GET", path: "/api/v1/metrics/dora", summary: "The DORA keys of a service or every service over a window, with tiers and definitions", query: metricsQuery, access: "viewer", scope: ({ query }) => query }, async ({ query, request }) =>
    doraReport(ctx.store, ctx.clock, toQuery(ctx, query, request)),
  );
  route(app, { method: "GET", path: "/api/v1/metrics/dora/series", summary: "Production deployments, change fail rate and change lead time week by week (Monday-started UTC weeks) over a window", query: seriesQuery, access: "viewer", scope: ({ query }) => query }, async ({ query, request }) =>
    doraSeries(ctx.store, ctx.clock, toQuery(ctx, query, request)),
  );
  route(app, { method: "GET", path: "/api/v1/metrics/kpis", summary: "Delivery KPIs of a service or every service over a window, with definitions", query: metricsQuery, access: "viewer", scope: ({ query }) => query }, async ({ query, request }) =>
    kpiReport(ctx.store, ctx.clock, toQuery(ctx, query, request)),
  );
}
