import { isTerminal, type DeploymentState } from "../core/index.js";
import { listActiveReplicasWithOwners, setReplicaState, type ReplicasTable } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { parseFrozen, shutdownOf } from "./frozen.js";
import { isUnreachable } from "./replicas.js";
import { driverOf, handleOf } from "./targets.js";

/**
 * Stops replicas nobody needs any more: ones whose deployment has ended and whose version is
 * not what the environment runs (left behind by a crash between "stop" and "record stopped").
 * A replica is needed while its deployment is in flight, or while it serves the current version.
 */
export async function sweepOrphanReplicas(ctx: EngineContext): Promise<ReplicasTable[]> {
  const rows = await listActiveReplicasWithOwners(ctx.store.db);
  const orphans = rows.filter(
    (r) =>
      isTerminal(r.deployment_state as DeploymentState) &&
      !(r.state === "running" && r.version === r.current_version) &&
      // Another node's local replicas are that node's to stop: they cannot even be seen from here.
      (r.deployment_node === null || r.deployment_node === ctx.node || driverOf(ctx, r).scope === "cluster"),
  );
  for (const r of orphans) {
    // Also without a recorded pid (a crash between spawning and recording it): the driver finds the replica by its id.
    try {
      await driverOf(ctx, r).stop(handleOf(r), shutdownOf(parseFrozen(r.env_config_json)));
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      ctx.log.warn({ replica: r.id, host: r.host, err }, "an orphaned replica's host is unreachable; trying again at the next sweep");
      continue;
    }
    await setReplicaState(ctx.store.db, [r.id], "stopped", ctx.clock.now());
    ctx.log.warn({ replica: r.id, service: r.service, environment: r.environment, version: r.version }, "stopped an orphaned replica");
  }
  return orphans;
}
