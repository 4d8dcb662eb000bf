import type { TrafficWeight } from "../core/index.js";
import { setCurrentVersion, setReplicaState, type ReplicasTable } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { record, deploymentSubject } from "./record.js";
import { runningReplicas, stopReplica } from "./replicas.js";
import { envTargetOf, routeKey, setWeights, syncRoute } from "./routing.js";
import type { RunState } from "./run-state.js";
import { isScriptTarget, routerFor } from "./targets.js";

/** Sends `weight` % of traffic to the new version and the rest to the previous one, if it still serves. */
export async function shiftTraffic(ctx: EngineContext, run: RunState, weight: number): Promise<unknown> {
  const d = run.deployment;
  const previousServes =
    d.previousVersion !== null &&
    d.previousVersion !== d.version &&
    (await runningReplicas(ctx, d.service, d.environment, { version: d.previousVersion })).length > 0;
  const weights: TrafficWeight[] = previousServes
    ? [
        { version: d.previousVersion!, weight: 100 - weight },
        { version: d.version, weight },
      ]
    : [{ version: d.version, weight: 100 }];
  await setWeights(ctx, envTargetOf(run), weights);
  await record(ctx, { actor: "slipway", action: "traffic.shifted", subject: deploymentSubject(d.id), payload: { weights } });
  return { weights };
}

/** Takes replicas out of the route, waits for their in-flight requests, then stops them. */
export async function drainAndStop(ctx: EngineContext, run: Pick<RunState, "deployment" | "frozen">, replicas: ReplicasTable[]): Promise<void> {
  if (replicas.length === 0) return;
  const d = run.deployment;
  await setReplicaState(ctx.store.db, replicas.map((r) => r.id), "stopping");
  await syncRoute(ctx, envTargetOf(run));
  const versions = [...new Set(replicas.map((r) => r.version))];
  const remaining = await runningReplicas(ctx, d.service, d.environment);
  for (const version of versions) {
    // Only a version with no replica left in the route can be drained as a whole.
    if (!remaining.some((r) => r.version === version)) {
      await routerFor(ctx, run.frozen.environment.target).drain(routeKey(d.service, d.environment), version, ctx.settings.drainTimeoutMs);
    }
  }
  await Promise.all(replicas.map((r) => stopReplica(ctx, r, run.frozen)));
}

/** Records the deployment's version as what the environment runs. */
export async function finalize(ctx: EngineContext, run: Pick<RunState, "deployment" | "frozen">): Promise<unknown> {
  const d = run.deployment;
  const since = ctx.clock.now();
  await setCurrentVersion(ctx.store.db, d.service, d.environment, { version: d.version, digest: d.digest, deploymentId: d.id, since });
  if (!isScriptTarget(run.frozen.environment.target)) await syncRoute(ctx, envTargetOf(run));
  return { version: d.version, since };
}
