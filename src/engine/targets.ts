import type { ReplicaTargetConfig, ScriptTargetConfig, TargetConfig } from "../core/index.js";
import type { Driver, ReplicaHandle } from "../drivers/index.js";
import { HaproxyRouter, ScriptBalancer, type RouterControl } from "../router/index.js";
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

/**
 * The traffic control in front of a target's replicas: the balancer an ssh target names (HAProxy
 * through its Runtime API, or the team's script), otherwise the built-in router.
 */
export function routerFor(ctx: EngineContext, target: TargetConfig): RouterControl {
  if (target.driver !== "ssh" || target.balancer === undefined) return ctx.router;
  if ("haproxy" in target.balancer) return new HaproxyRouter(target.balancer.haproxy);
  return new ScriptBalancer(target.balancer.script);
}

/** The driver that started a replica (recorded on it, so a later change of target cannot orphan it). */
export function driverOf(ctx: EngineContext, replica: Pick<ReplicasTable, "driver">): Driver {
  return ctx.drivers.get(replica.driver);
}

export const handleOf = (r: ReplicasTable): ReplicaHandle => ({
  id: r.id,
  pid: r.pid ?? 0,
  host: r.host,
  port: r.port,
  logPath: r.log_path,
  target: r.target_json === null ? undefined : (JSON.parse(r.target_json) as TargetConfig),
});

/**
 * Where clients reach an environment: the built-in router's port here, or the balancer's URL an
 * ssh target names; null when a balancer was named without its URL (then verification after the
 * switch checks the new replicas directly).
 */
export function serviceAddress(ctx: EngineContext, target: TargetConfig, routerPort: number): { host: string; port: number } | null {
  if (target.driver !== "ssh" || target.balancer === undefined) return { host: ctx.settings.host, port: routerPort };
  if (target.balancer.url === undefined) return null;
  const url = new URL(target.balancer.url);
  return { host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
}
