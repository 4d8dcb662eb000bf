import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { getServiceConfig } from "../engine/index.js";
import { installAuth } from "./auth.js";
import { AuditFeed } from "../audit/index.js";
import { closeSharedPool } from "../workers/index.js";
import type { ApiContext, ApiOptions } from "./context.js";
import { frameworkError, installErrorHandler, MAX_PARAM_LENGTH } from "./errors.js";
import { installSecurityHeaders } from "./headers.js";
import { completeLimits } from "./limits.js";
import { installRateLimit } from "./rate-limit.js";
import { setArchiveLimits } from "../supply/index.js";
import { followFailedVerifications } from "../incidents/index.js";
import { registerArtifactCommitRoutes } from "./routes/artifact-commits.js";
import { registerDeliveryMetricsRoutes } from "./routes/delivery-metrics.js";
import { registerArtifactRoutes } from "./routes/artifacts.js";
import { registerChangeRoutes } from "./routes/changes.js";
import { registerDashboardRoutes } from "./routes/dashboard.js";
import { registerDeploymentRoutes } from "./routes/deployments.js";
import { registerEventRoutes } from "./routes/events.js";
import { registerEvidenceRoutes } from "./routes/evidence.js";
import { registerGovernanceRoutes } from "./routes/governance.js";
import { registerIncidentRoutes } from "./routes/incidents.js";
import { registerKeyRoutes } from "./routes/keys.js";
import { registerMetricsRoutes } from "./routes/metrics.js";
import { registerNotificationRoutes } from "./routes/notifications.js";
import { registerOpsRoutes } from "./routes/ops.js";
import { registerPipelineRunRoutes } from "./routes/pipeline-runs.js";
import { registerServiceRoutes } from "./routes/services.js";
import { registerSupplyRoutes } from "./routes/supply.js";
import { registerTokenRoutes } from "./routes/tokens.js";
import { registerTriageRoutes } from "./routes/triage.js";
import { registerWebhookRoutes } from "./routes/webhooks.js";
import { registerWebUi } from "./routes/web-ui.js";

/** The directory the package is installed in: kept out of error messages like the data directory. */
const PACKAGE_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Builds the HTTP API (not listening yet): routes, auth, validation, one error shape. */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const feed = new AuditFeed(options.store, (err) => options.log.error({ err }, "audit feed: reading new events failed; it retries at the next append"));
  await feed.start();
  const ctx: ApiContext = { ...options, feed, limits: completeLimits(options.limits) };
  // Process-wide: the archive checks at unpack time (engine, drivers) accept what a push accepted.
  setArchiveLimits(ctx.limits.archive);
  // Typed as the default instance so route modules need not carry pino's Logger type.
  const app = Fastify({ loggerInstance: ctx.log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: ctx.limits.jsonBodyBytes, routerOptions: { maxParamLength: MAX_PARAM_LENGTH }, frameworkErrors: frameworkError }) as unknown as FastifyInstance;
  installErrorHandler(app, [ctx.dataDir, PACKAGE_ROOT]);
  installSecurityHeaders(app);
  installAuth(app, ctx.store, ctx.clock);
  installRateLimit(app, { perSecond: ctx.limits.ratePerSecond, burst: ctx.limits.rateBurst });
  registerOpsRoutes(app, ctx);
  registerServiceRoutes(app, ctx);
  registerArtifactRoutes(app, ctx);
  registerSupplyRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerDeploymentRoutes(app, ctx);
  registerGovernanceRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerEvidenceRoutes(app, ctx);
  registerChangeRoutes(app, ctx);
  registerPipelineRunRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerNotificationRoutes(app, ctx);
  registerMetricsRoutes(app, ctx);
  registerDeliveryMetricsRoutes(app, ctx);
  registerArtifactCommitRoutes(app, ctx);
  registerIncidentRoutes(app, ctx);
  registerDashboardRoutes(app, ctx);
  registerTriageRoutes(app, { store: ctx.store, rules: ctx.triageRules, serviceRules: async (service) => (await getServiceConfig(ctx, service)).triage?.rules ?? [] });
  await registerWebUi(app, ctx.webDir);
  const stopAutoIncidents = followFailedVerifications(feed, ctx.store, ctx.clock, (err) => options.log.error({ err }, "opening the incident of a failed verification failed"));
  app.addHook("onClose", async () => {
    stopAutoIncidents();
    feed.close();
  });
  app.addHook("onClose", async () => closeSharedPool());
  await app.ready();
  return app;
}
