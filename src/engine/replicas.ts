import { join } from "node:path";
import { isSlipwayError, newId } from "../core/index.js";
import { resolveConfig } from "../secrets/index.js";
import {
  insertReplica,
  listActiveReplicas,
  listLiveReplicasOfDeployment,
  listRunningReplicas,
  markReplicasRunning,
  setReplicaPid,
  setReplicaState,
  type ReplicasTable,
  type RunningReplicaFilter,
} from "../store/index.js";
import { artifactPath, parseDigest, unpackArtifact } from "../supply/index.js";
import type { EngineContext } from "./context.js";
import { runOf, shutdownOf, type FrozenConfig } from "./frozen.js";
import { decideHostFailures, hostsLeftOut } from "./host-failure.js";
import { deploymentSubject, record } from "./record.js";
import { driverFor, driverOf, handleOf } from "./targets.js";

/** Which build a replica runs and on whose behalf. */
export interface ReplicaOwner {
  deploymentId: string;
  service: string;
  environment: string;
  version: string;
  digest: string;
}

/** Replicas of one version started by one deployment that are not stopped. */
export function liveReplicasOf(ctx: EngineContext, owner: ReplicaOwner): Promise<ReplicasTable[]> {
  return listLiveReplicasOfDeployment(ctx.store.db, owner.deploymentId, owner.version);
}

/** Ready replicas of an environment, optionally only of one version or excluding one deployment's. */
export function runningReplicas(ctx: EngineContext, service: string, environment: string, filter: RunningReplicaFilter = {}): Promise<ReplicasTable[]> {
  return listRunningReplicas(ctx.store.db, service, environment, filter);
}

/**
 * Makes `count` replicas of the owner's version run. Idempotent: replicas already started
 * (and still alive) are kept, dead ones are cleaned up and replaced.
 */
export async function ensureReplicas(ctx: EngineContext, owner: ReplicaOwner, frozen: FrozenConfig, count: number): Promise<ReplicasTable[]> {
  const live: ReplicasTable[] = [];
  for (const r of await liveReplicasOf(ctx, owner)) {
    const status = r.pid ? await driverOf(ctx, r).status(handleOf(r)) : { state: "exited" as const };
    if (status.state === "exited") await stopReplica(ctx, r, frozen, "crashed");
    else live.push(r);
  }
  // Hosts the deployment goes on without (its on_host_failure policy allowed it) take no replica.
  const leftOut = await hostsLeftOut(ctx, owner.deploymentId);
  const target = frozen.environment.target;
  if (target.driver === "ssh") count = Math.min(count, target.hosts.length - leftOut.size);
  if (live.length >= count) return live;
  const resolved = resolveConfig(frozen.config, ctx.secretSource);
  const workdir = await unpackArtifact(ctx.dataDir, owner.digest, join(ctx.dataDir, "work", owner.service, owner.digest));
  const occupied = (await listActiveReplicas(ctx.store.db, owner.service, owner.environment)).map((r) => ({ host: r.host, port: r.port, version: r.version, state: r.state }));
  for (const host of leftOut) occupied.push({ host, port: -1, version: owner.version, state: "starting" });
  // Placed one after another (so no two take the same slot), started together: a deployment
  // waits for its slowest replica, not for the sum of them.
  const rows: ReplicasTable[] = [];
  for (let i = live.length; i < count; i++) {
    const row = await recordReplica(ctx, owner, frozen, occupied);
    occupied.push({ host: row.host, port: row.port, version: row.version, state: row.state });
    rows.push(row);
  }
  const started = await Promise.allSettled(rows.map((row) => startReplica(ctx, row, frozen, workdir, resolved)));
  return [...live, ...(await keepStarted(ctx, owner, frozen, rows, started))];
}

/**
 * The replicas that started. Hosts that could not be reached go to the target's policy: it
 * either rolls back (the first such error is thrown) or goes on without them. Any other failure
 * is thrown as it is.
 */
async function keepStarted(
  ctx: EngineContext,
  owner: ReplicaOwner,
  frozen: FrozenConfig,
  rows: ReplicasTable[],
  results: PromiseSettledResult<ReplicasTable>[],
): Promise<ReplicasTable[]> {
  const failures = rows.flatMap((row, i) => {
    const r = results[i]!;
    return r.status === "rejected" ? [{ row, host: row.host, error: r.reason as unknown }] : [];
  });
  const other = failures.find((f) => !isUnreachable(f.error));
  if (other) throw other.error;
  if (failures.length > 0) {
    const decision = await decideHostFailures(ctx, owner.deploymentId, frozen, failures);
    if (decision === "rollback") throw failures[0]!.error;
    // "stopping": out of every route; once the deployment ends the orphan sweep stops whatever
    // may have started there, as soon as the host answers again.
    await setReplicaState(ctx.store.db, failures.map((f) => f.row.id), "stopping");
  }
  return results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
}

/** Places a replica and records it before any process exists, so a crash right after spawning cannot orphan it. */
async function recordReplica(ctx: EngineContext, owner: ReplicaOwner, frozen: FrozenConfig, occupied: { host: string; port: number; version: string }[]): Promise<ReplicasTable> {
  const driver = driverFor(ctx, frozen.environment.target);
  const target = frozen.environment.target;
  const placement = await driver.place({ service: owner.service, environment: owner.environment, version: owner.version, target, occupied });
  const id = newId();
  const row: ReplicasTable = {
    id,
    service: owner.service,
    environment: owner.environment,
    version: owner.version,
    digest: owner.digest,
    deployment_id: owner.deploymentId,
    pid: null,
    driver: driver.name,
    host: placement.host,
    port: placement.port,
    target_json: JSON.stringify(target),
    state: "starting",
    log_path: join(ctx.dataDir, "logs", owner.service, owner.environment, `${owner.version}-${id}.log`),
    started_at: ctx.clock.now(),
    stopped_at: null,
  };
  await insertReplica(ctx.store.db, row);
  return row;
}

async function startReplica(
  ctx: EngineContext,
  row: ReplicasTable,
  frozen: FrozenConfig,
  workdir: string,
  resolved: { env: Record<string, string>; secrets: Record<string, string> },
): Promise<ReplicasTable> {
  const handle = await driverOf(ctx, row).start({
    id: row.id,
    service: row.service,
    environment: row.environment,
    version: row.version,
    workdir,
    artifact: { path: artifactPath(ctx.dataDir, parseDigest(row.digest)), digest: parseDigest(row.digest) },
    target: frozen.environment.target,
    command: runOf(frozen).command,
    ...(runOf(frozen).user === undefined ? {} : { user: runOf(frozen).user }),
    portEnv: runOf(frozen).port_env,
    host: row.host,
    port: row.port,
    env: { ...resolved.env, SLIPWAY_SERVICE: row.service, SLIPWAY_ENVIRONMENT: row.environment, SLIPWAY_VERSION: row.version },
    secrets: resolved.secrets,
    logPath: row.log_path,
    shutdown: shutdownOf(frozen),
  });
  await setReplicaPid(ctx.store.db, row.id, handle.pid);
  return { ...row, pid: handle.pid };
}

export function markRunning(ctx: EngineContext, ids: string[]): Promise<void> {
  return markReplicasRunning(ctx.store.db, ids);
}

/** Stops one replica gracefully and records it; safe to call for a replica that is already gone. */
export async function stopReplica(
  ctx: EngineContext,
  replica: ReplicasTable,
  frozen: Pick<FrozenConfig, "run">,
  finalState: "stopped" | "crashed" = "stopped",
): Promise<void> {
  await setReplicaState(ctx.store.db, [replica.id], "stopping");
  try {
    await driverOf(ctx, replica).stop(handleOf(replica), shutdownOf(frozen));
  } catch (err) {
    if (!isUnreachable(err)) throw err;
    // A host that cannot be reached cannot be cleaned now. The replica is out of every route
    // already; it stays "stopping" on the record and the orphan sweep stops it once the host answers.
    await record(ctx, {
      actor: "slipway",
      action: "replica.unreachable",
      subject: deploymentSubject(replica.deployment_id),
      payload: { replica: replica.id, host: replica.host, version: replica.version, error: (err as Error).message },
    });
    return;
  }
  await setReplicaState(ctx.store.db, [replica.id], finalState, ctx.clock.now());
}

/** The driver could not reach where the replica runs (an ssh host that is down or cut off). */
export const isUnreachable = (err: unknown): boolean => isSlipwayError(err) && err.code === "unavailable";
