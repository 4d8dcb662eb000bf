import { findFreePort } from "../net/index.js";
import type { TrafficWeight } from "../core/index.js";
import type { Backend } from "../router/types.js";
import type { EngineContext } from "./context.js";

export const routeKey = (service: string, environment: string) => `${service}/${environment}`;

/** The environment's runtime row, created with a stable router port on first use. */
export async function ensureEnvironment(ctx: EngineContext, service: string, environment: string) {
  for (let attempt = 0; ; attempt++) {
    const row = await ctx.store.db
      .selectFrom("environments")
      .selectAll()
      .where("service", "=", service)
      .where("environment", "=", environment)
      .executeTakeFirst();
    if (row) return row;
    const port = await findFreePort(ctx.settings.host);
    try {
      await ctx.store.db
        .insertInto("environments")
        .values({ service, environment, port, current_version: null, current_digest: null, current_deployment_id: null, since: null, weights_json: "[]" })
        .execute();
    } catch (err) {
      // Another replica created it, or the port was taken in the meantime: read again.
      if (attempt >= 3) throw err;
    }
  }
}

export async function getWeights(ctx: EngineContext, service: string, environment: string): Promise<TrafficWeight[]> {
  const env = await ensureEnvironment(ctx, service, environment);
  return JSON.parse(env.weights_json) as TrafficWeight[];
}

/** Records the traffic split the environment should have, then makes the router follow it. */
export async function setWeights(ctx: EngineContext, service: string, environment: string, weights: TrafficWeight[]): Promise<void> {
  const kept = weights.filter((w) => w.weight > 0);
  await ctx.store.db
    .updateTable("environments")
    .set({ weights_json: JSON.stringify(kept) })
    .where("service", "=", service)
    .where("environment", "=", environment)
    .execute();
  await syncRoute(ctx, service, environment);
}

/** Pushes the desired route (weights from the DB, targets from ready replicas) to the router. */
export async function syncRoute(ctx: EngineContext, service: string, environment: string): Promise<void> {
  const env = await ensureEnvironment(ctx, service, environment);
  const weights = JSON.parse(env.weights_json) as TrafficWeight[];
  const replicas = await ctx.store.db
    .selectFrom("replicas")
    .select(["version", "port"])
    .where("service", "=", service)
    .where("environment", "=", environment)
    .where("state", "=", "running")
    .execute();
  const backends: Backend[] = weights.map((w) => ({
    version: w.version,
    weight: w.weight,
    targets: replicas.filter((r) => r.version === w.version).map((r) => `${ctx.settings.host}:${r.port}`),
  }));
  await ctx.router.setRoute({ key: routeKey(service, environment), port: env.port, backends });
}
