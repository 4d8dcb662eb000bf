import { join } from "node:path";
import { newId } from "../core/index.js";
import { type ReplicaHandle } from "../drivers/index.js";
import { resolveConfig } from "../secrets/index.js";
import { findFreePort } from "../net/index.js";
import type { ReplicasTable } from "../store/index.js";
import { unpackArtifact } from "../supply/index.js";
import type { EngineContext } from "./context.js";
import type { FrozenConfig } from "./frozen.js";

/** Which build a replica runs and on whose behalf. */
export interface ReplicaOwner {
  deploymentId: string;
  service: string;
  environment: string;
  version: string;
  digest: string;
}

export const handleOf = (r: ReplicasTable): ReplicaHandle => ({ id: r.id, pid: r.pid ?? 0, port: r.port, logPath: r.log_path });

/** Replicas of one version started by one deployment that are not stopped. */
export async function liveReplicasOf(ctx: EngineContext, owner: ReplicaOwner): Promise<ReplicasTable[]> {
  return ctx.store.db
    .selectFrom("replicas")
    .selectAll()
    .where("deployment_id", "=", owner.deploymentId)
    .where("version", "=", owner.version)
    .where("state", "in", ["starting", "running"])
    .orderBy("id")
    .execute();
}

/** Ready replicas of an environment, optionally only of one version or excluding one deployment's. */
export async function runningReplicas(
  ctx: EngineContext,
  service: string,
  environment: string,
  filter: { version?: string; notDeployment?: string } = {},
): Promise<ReplicasTable[]> {
  let q = ctx.store.db
    .selectFrom("replicas")
    .selectAll()
    .where("service", "=", service)
    .where("environment", "=", environment)
    .where("state", "=", "running");
  if (filter.version !== undefined) q = q.where("version", "=", filter.version);
  if (filter.notDeployment !== undefined) q = q.where("deployment_id", "!=", filter.notDeployment);
  return q.orderBy("id").execute();
}

/**
 * Makes `count` replicas of the owner's version run. Idempotent: replicas already started
 * (and still alive) are kept, dead ones are cleaned up and replaced.
 */
export async function ensureReplicas(ctx: EngineContext, owner: ReplicaOwner, frozen: FrozenConfig, count: number): Promise<ReplicasTable[]> {
  const live: ReplicasTable[] = [];
  for (const r of await liveReplicasOf(ctx, owner)) {
    const status = r.pid ? await ctx.driver.status(handleOf(r)) : { state: "exited" as const };
    if (status.state === "exited") await stopReplica(ctx, r, frozen, "crashed");
    else live.push(r);
  }
  if (live.length >= count) return live;
  const resolved = resolveConfig(frozen.config, ctx.secretSource);
  const workdir = await unpackArtifact(ctx.dataDir, owner.digest, join(ctx.dataDir, "work", owner.service, owner.digest));
  // Started together: a deployment waits for its slowest replica, not for the sum of them.
  const missing = Array.from({ length: count - live.length }, () => startReplica(ctx, owner, frozen, workdir, resolved));
  return [...live, ...(await Promise.all(missing))];
}

async function startReplica(
  ctx: EngineContext,
  owner: ReplicaOwner,
  frozen: FrozenConfig,
  workdir: string,
  resolved: { env: Record<string, string>; secrets: Record<string, string> },
): Promise<ReplicasTable> {
  const id = newId();
  const port = await findFreePort(ctx.settings.host);
  const logPath = join(ctx.dataDir, "logs", owner.service, owner.environment, `${owner.version}-${id}.log`);
  // Recorded before the process exists, so a crash right after spawning cannot orphan it.
  const row: ReplicasTable = {
    id,
    service: owner.service,
    environment: owner.environment,
    version: owner.version,
    digest: owner.digest,
    deployment_id: owner.deploymentId,
    pid: null,
    port,
    state: "starting",
    log_path: logPath,
    started_at: ctx.clock.now(),
    stopped_at: null,
  };
  await ctx.store.db.insertInto("replicas").values(row).execute();
  const handle = await ctx.driver.start({
    id,
    service: owner.service,
    environment: owner.environment,
    version: owner.version,
    workdir,
    command: frozen.run.command,
    portEnv: frozen.run.port_env,
    port,
    env: { ...resolved.env, SLIPWAY_SERVICE: owner.service, SLIPWAY_ENVIRONMENT: owner.environment, SLIPWAY_VERSION: owner.version },
    secrets: resolved.secrets,
    logPath,
    shutdown: { signal: frozen.run.shutdown.signal, graceMs: frozen.run.shutdown.grace },
  });
  await ctx.store.db.updateTable("replicas").set({ pid: handle.pid }).where("id", "=", id).execute();
  return { ...row, pid: handle.pid };
}

export async function markRunning(ctx: EngineContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.store.db.updateTable("replicas").set({ state: "running" }).where("id", "in", ids).where("state", "=", "starting").execute();
}

/** Stops one replica gracefully and records it; safe to call for a replica that is already gone. */
export async function stopReplica(
  ctx: EngineContext,
  replica: ReplicasTable,
  frozen: Pick<FrozenConfig, "run">,
  finalState: "stopped" | "crashed" = "stopped",
): Promise<void> {
  await ctx.store.db.updateTable("replicas").set({ state: "stopping" }).where("id", "=", replica.id).execute();
  await ctx.driver.stop(handleOf(replica), { signal: frozen.run.shutdown.signal, graceMs: frozen.run.shutdown.grace });
  await ctx.store.db
    .updateTable("replicas")
    .set({ state: finalState, stopped_at: ctx.clock.now() })
    .where("id", "=", replica.id)
    .execute();
}
