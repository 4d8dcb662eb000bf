import { failed, type TargetConfig, type TrafficWeight } from "../core/index.js";
import { findFreePort } from "../net/index.js";
import type { Backend } from "../router/types.js";
import { getEnvironment, insertEnvironment, listRunningReplicas, setRouteWeights, weightsOf, type EnvironmentsTable } from "../store/index.js";
import type { EngineContext } from "./context.js";
import type { RunState } from "./run-state.js";
import { routerFor } from "./targets.js";

/** An environment and the target its replicas run on (which decides the traffic control in front). */
export interface EnvTarget {
  service: string;
  environment: string;
  target: TargetConfig;
}

export const envTargetOf = (run: Pick<RunState, "deployment" | "frozen">): EnvTarget => ({
  service: run.deployment.service,
  environment: run.deployment.environment,
  target: run.frozen.environment.target,
});

export const routeKey = (service: string, environment: string) => `${service}/${environment}`;

/** The environment's runtime row, created with a stable router port on first use. */
export async function ensureEnvironment(ctx: EngineContext, service: string, environment: string): Promise<EnvironmentsTable> {
  for (let attempt = 0; ; attempt++) {
    const row = await getEnvironment(ctx.store.db, service, environment);
    if (row) return row;
    // Another instance may create it meanwhile (then this insert does nothing and the next read finds it).
    await insertEnvironment(ctx.store.db, service, environment, await findFreePort(ctx.settings.host));
    if (attempt >= 3) throw failed(`could not create the environment ${routeKey(service, environment)}`, { hint: "check that the database is writable" });
  }
}

/**
 * Records the traffic split the environment should have (so a restarted router, or another
 * instance, can restore it), then gives the router that split over the ready replicas.
 */
export async function setWeights(ctx: EngineContext, at: EnvTarget, weights: TrafficWeight[]): Promise<void> {
  const kept = weights.filter((w) => w.weight > 0);
  await setRouteWeights(ctx.store.db, at.service, at.environment, kept);
  await pushRoute(ctx, at, await ensureEnvironment(ctx, at.service, at.environment), kept);
}

/** Makes the router follow the recorded split again, e.g. after replicas left the route. */
export async function syncRoute(ctx: EngineContext, at: EnvTarget): Promise<void> {
  const env = await ensureEnvironment(ctx, at.service, at.environment);
  await pushRoute(ctx, at, env, weightsOf(env));
}

/** The route the router gets: each weighted version with the addresses of its ready replicas. */
async function pushRoute(ctx: EngineContext, at: EnvTarget, env: EnvironmentsTable, weights: readonly TrafficWeight[]): Promise<void> {
  const replicas = await listRunningReplicas(ctx.store.db, env.service, env.environment);
  const backends: Backend[] = weights.map((w) => ({
    version: w.version,
    weight: w.weight,
    targets: replicas.filter((r) => r.version === w.version).map((r) => `${r.host}:${r.port}`),
  }));
  await routerFor(ctx, at.target).setRoute({ key: routeKey(env.service, env.environment), port: env.port, backends });
}
