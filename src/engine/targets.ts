import type { ReplicaTargetConfig, ScriptTargetConfig, TargetConfig } from "../core/index.js";
import type { Driver, ReplicaHandle } from "../drivers/index.js";
import type { RouterControl } from "../router/types.js";
import type { ReplicasTable } from "../store/index.js";
import type { EngineContext } from "./context.js";

/**
 * Where a deployment's replicas run and how traffic reaches them, chosen from the
 * environment's `target`. The engine asks here and nowhere else.
 */

/** The driver an environment's target names (a replica driver: script targets have no replicas). */
export function driverFor(ctx: EngineContext, target: Pick<TargetConfig, "driver">): Driver {
  return ctx.drivers.get(target.driver);
}

/** A target deployed by the team's own commands rather than replicas Slipway runs. */
export const isScriptTarget = (target: TargetConfig): target is ScriptTargetConfig => target.driver === "script";

/**
 * "node" when what a deployment needs lives on the node that started it. For a script target
 * that is the artifact it unpacks (blobs are stored per data directory), the command it may
 * have left running, and the tools and credentials its commands use: so its environment is
 * tied to one node, whose instances take over from each other, like local replicas.
 */
export function scopeOf(ctx: EngineContext, target: TargetConfig): "node" | "cluster" {
  return isScriptTarget(target) ? "node" : driverFor(ctx, target).scope;
}

/** How many replicas a target runs; a script target runs none that Slipway knows of. */
export const replicasOf = (target: TargetConfig): number => (isScriptTarget(target) ? 0 : (target as ReplicaTargetConfig).replicas);

/** The traffic control in front of a target's replicas. */
export function routerFor(ctx: EngineContext, _target: Pick<TargetConfig, "driver">): RouterControl {
  return ctx.router;
}

/** The driver that started a replica (recorded on it, so a later change of target cannot orphan it). */
export function driverOf(ctx: EngineContext, replica: Pick<ReplicasTable, "driver">): Driver {
  return ctx.drivers.get(replica.driver);
}

export const handleOf = (r: ReplicasTable): ReplicaHandle => ({ id: r.id, pid: r.pid ?? 0, host: r.host, port: r.port, logPath: r.log_path });
