import { isTerminal, type DeploymentState } from "../core/index.js";
import { killReplicaTree } from "../drivers/index.js";
import type { ReplicasTable } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { parseFrozen } from "./frozen.js";
import { handleOf } from "./replicas.js";

/**
 * Stops replicas nobody needs any more: ones whose deployment has ended and whose version is
 * not what the environment runs (left behind by a crash between "stop" and "record stopped").
 * A replica is needed while its deployment is in flight, or while it serves the current version.
 */
export async function sweepOrphanReplicas(ctx: EngineContext): Promise<ReplicasTable[]> {
  const rows = await ctx.store.db
    .selectFrom("replicas")
    .innerJoin("deployments", "deployments.id", "replicas.deployment_id")
    .leftJoin("environments", (join) =>
      join.onRef("environments.service", "=", "replicas.service").onRef("environments.environment", "=", "replicas.environment"),
    )
    .selectAll("replicas")
    .select(["deployments.state as deployment_state", "deployments.env_config_json", "environments.current_version"])
    .where("replicas.state", "in", ["starting", "running", "stopping"])
    .execute();
  const orphans = rows.filter(
    (r) => isTerminal(r.deployment_state as DeploymentState) && !(r.state === "running" && r.version === r.current_version),
  );
  for (const r of orphans) {
    const run = parseFrozen(r.env_config_json).run;
    if (r.pid) await ctx.driver.stop(handleOf(r), { signal: run.shutdown.signal, graceMs: run.shutdown.grace });
    else await killReplicaTree(ctx.dataDir, r.id);
    await ctx.store.db.updateTable("replicas").set({ state: "stopped", stopped_at: ctx.clock.now() }).where("id", "=", r.id).execute();
    ctx.log.warn({ replica: r.id, service: r.service, environment: r.environment, version: r.version }, "stopped an orphaned replica");
  }
  return orphans;
}
