import { hostname } from "node:os";
import { failed } from "../core/index.js";
import { isProcessAlive } from "../drivers/index.js";
import {
  heartbeatInstance,
  insertInstance,
  listLeasedDeployments,
  listNodeBoundDeployments,
  listRecentInstances,
  markInstanceStopped,
  pruneInstances,
  RUNNABLE_STATES,
  setInstanceApiUrl,
  type InstancesTable,
} from "../store/index.js";
import type { EngineContext } from "./context.js";

/** Instances that stopped heartbeating this long ago are forgotten. */
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

/** An instance whose heartbeat is older than this many leases is dead. */
const DEAD_AFTER_LEASES = 2;

/**
 * Records this instance in the database. On SQLite the database serves exactly one control
 * plane (its replicas, its router and its file): a second server on the same file is refused
 * with the first one named, instead of two executors fighting over it.
 */
export async function registerInstance(ctx: EngineContext): Promise<void> {
  const now = ctx.clock.now();
  const row: InstancesTable = { id: ctx.instanceId, node: ctx.node, hostname: hostname(), pid: process.pid, api_url: null, started_at: now, heartbeat_at: now, stopped_at: null };
  await ctx.store.db.transaction().execute(async (trx) => {
    await pruneInstances(trx, now - FORGET_AFTER_MS);
    if (ctx.store.dialect === "sqlite") {
      const other = (await listRecentInstances(trx, now - DEAD_AFTER_LEASES * ctx.settings.leaseMs)).find((i) => mayStillRun(i));
      if (other) {
        throw failed(`another Slipway server (pid ${other.pid} on ${other.hostname}${other.api_url ? `, ${other.api_url}` : ""}) is using this SQLite database`, {
          hint: "stop that server first; to run several control planes on one database, use PostgreSQL (slipway server --db postgres://…)",
        });
      }
    }
    await insertInstance(trx, row);
  });
}

/** A recent instance may still run unless it is on this host and its process is gone (killed without a clean stop). */
function mayStillRun(i: InstancesTable): boolean {
  return i.hostname !== hostname() || isProcessAlive(i.pid);
}

/** Where this instance's API answers, once it listens. */
export async function announceApiUrl(ctx: EngineContext, url: string): Promise<void> {
  await setInstanceApiUrl(ctx.store.db, ctx.instanceId, url);
}

export async function heartbeat(ctx: EngineContext): Promise<void> {
  await heartbeatInstance(ctx.store.db, ctx.instanceId, ctx.clock.now());
}

export async function deregisterInstance(ctx: EngineContext): Promise<void> {
  await markInstanceStopped(ctx.store.db, ctx.instanceId, ctx.clock.now());
}

export interface ClusterInstance {
  id: string;
  node: string;
  hostname: string;
  pid: number;
  apiUrl: string | null;
  startedAt: number;
  heartbeatAt: number;
  alive: boolean;
  self: boolean;
  /** Deployments this instance holds a lease on. */
  holds: { id: string; service: string; environment: string; version: string; state: string; leaseUntil: number | null }[];
}

export interface ClusterView {
  self: { id: string; node: string };
  instances: ClusterInstance[];
  /** Unfinished deployments tied to a node no live instance runs on: they wait for that node. */
  stranded: { id: string; service: string; environment: string; version: string; state: string; node: string }[];
}

/** Who runs the control plane now: instances with their heartbeats and what each holds. */
export async function clusterView(ctx: EngineContext): Promise<ClusterView> {
  const now = ctx.clock.now();
  const deadline = now - DEAD_AFTER_LEASES * ctx.settings.leaseMs;
  const instances = await listRecentInstances(ctx.store.db, now - FORGET_AFTER_MS);
  const leased = await listLeasedDeployments(ctx.store.db);
  const aliveNodes = new Set(instances.filter((i) => i.heartbeat_at >= deadline).map((i) => i.node));
  const bound = await listNodeBoundDeployments(ctx.store.db, RUNNABLE_STATES);
  return {
    self: { id: ctx.instanceId, node: ctx.node },
    instances: instances.map((i) => ({
      id: i.id,
      node: i.node,
      hostname: i.hostname,
      pid: i.pid,
      apiUrl: i.api_url,
      startedAt: i.started_at,
      heartbeatAt: i.heartbeat_at,
      alive: i.heartbeat_at >= deadline,
      self: i.id === ctx.instanceId,
      holds: leased.filter((d) => d.lease_owner === i.id).map((d) => ({ id: d.id, service: d.service, environment: d.environment, version: d.version, state: d.state, leaseUntil: d.lease_until })),
    })),
    stranded: bound.filter((d) => !aliveNodes.has(d.node!)).map((d) => ({ id: d.id, service: d.service, environment: d.environment, version: d.version, state: d.state, node: d.node! })),
  };
}
