import type { SelectQueryBuilder } from "kysely";
import type { DeploymentState } from "../core/index.js";
import type { Database, Db } from "./schema.js";

/**
 * Executor leases on deployments. A control-plane instance owns a deployment while
 * `lease_until` is in the future and renews it by heartbeat; an instance that dies stops
 * renewing, and any other instance claims the deployment once the lease has run out.
 */

/** States in which a deployment still has work for an executor. */
export const RUNNABLE_STATES: readonly DeploymentState[] = ["queued", "awaiting_approval", "running", "verifying", "rolling_back"];

export interface ClaimRequest {
  owner: string;
  /** New for every claim: the fencing token the claimed runs write under (see {@link holdsLease}). */
  token: string;
  /** The claiming instance's node: deployments tied to another node are left to that node's instances. */
  node: string;
  now: number;
  leaseMs: number;
  /** At most this many deployments per claim. */
  limit: number;
}

/**
 * Claims up to `limit` runnable deployments whose lease is free or expired and that are not
 * held back (`not_before`), oldest first; returns the ids now leased to `owner`. One
 * statement: of several instances racing, each deployment goes to exactly one. On
 * PostgreSQL the candidates are locked with SKIP LOCKED, so racing instances take different
 * deployments instead of queueing behind each other.
 */
export async function claimRunnableDeployments(db: Db, dialect: "sqlite" | "postgres", req: ClaimRequest): Promise<string[]> {
  let candidates = db
    .selectFrom("deployments")
    .select("id")
    .where("state", "in", RUNNABLE_STATES)
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", req.now)]))
    .where((eb) => eb.or([eb("not_before", "is", null), eb("not_before", "<=", req.now)]))
    .where((eb) => eb.or([eb("node", "is", null), eb("node", "=", req.node)]))
    .orderBy("id")
    .limit(req.limit);
  if (dialect === "postgres") candidates = candidates.forUpdate().skipLocked();
  const rows = await db
    .updateTable("deployments")
    .set({ lease_owner: req.owner, lease_token: req.token, lease_until: req.now + req.leaseMs })
    .where("id", "in", candidates)
    // Checked again on the row itself: SQLite has no row locks, and the subquery's view may be stale.
    .where("state", "in", RUNNABLE_STATES)
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", req.now)]))
    .returning("id")
    .execute();
  return rows.map((r) => r.id).sort();
}

/**
 * Extends `owner`'s leases on `ids`; returns the ids it still holds (a lease lost is not
 * renewed). On PostgreSQL the rows are locked in id order first: every statement that locks
 * several deployments does so in the same order, so instances renewing and claiming at once
 * cannot deadlock.
 */
export async function renewLeases(db: Db, dialect: "sqlite" | "postgres", owner: string, ids: readonly string[], until: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .updateTable("deployments")
    .set({ lease_until: until })
    .where("id", "in", ownedInOrder(db, dialect, owner, (q) => q.where("id", "in", ids)))
    .where("lease_owner", "=", owner)
    .returning("id")
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The ids of deployments `owner` holds (narrowed by `narrow`), locked in id order on PostgreSQL. */
function ownedInOrder(db: Db, dialect: "sqlite" | "postgres", owner: string, narrow: (q: OwnedQuery) => OwnedQuery = (q) => q) {
  let q: OwnedQuery = db.selectFrom("deployments").select("id").where("lease_owner", "=", owner);
  q = narrow(q).orderBy("id");
  return dialect === "postgres" ? q.forUpdate() : q;
}

type OwnedQuery = SelectQueryBuilder<Database, "deployments", { id: string }>;

/** Gives one lease back, if `owner` still holds it. */
export async function releaseLease(db: Db, owner: string, id: string): Promise<void> {
  await db.updateTable("deployments").set({ lease_owner: null, lease_token: null, lease_until: null }).where("id", "=", id).where("lease_owner", "=", owner).execute();
}

/** Gives back every lease `owner` holds (a clean shutdown: others may resume at once). */
export async function releaseAllLeases(db: Db, dialect: "sqlite" | "postgres", owner: string): Promise<void> {
  await db.updateTable("deployments").set({ lease_owner: null, lease_token: null, lease_until: null }).where("id", "in", ownedInOrder(db, dialect, owner)).where("lease_owner", "=", owner).execute();
}

/**
 * The fence before a write that must happen once: true if the claim that carried `token` (by
 * `owner`) still holds the deployment. The token, not the owner, decides: a run of an instance
 * that lost the lease and then claimed it again is fenced out like any other. On PostgreSQL
 * the row stays locked until the caller's transaction ends, so a takeover cannot slip in
 * between this check and the write.
 */
export async function holdsLease(db: Db, dialect: "sqlite" | "postgres", id: string, lease: { owner: string; token: string }): Promise<boolean> {
  let q = db.selectFrom("deployments").select(["lease_owner", "lease_token"]).where("id", "=", id);
  if (dialect === "postgres") q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row?.lease_owner === lease.owner && row.lease_token === lease.token;
}

/** Whether some instance holds a live lease on the deployment now. */
export async function isLeased(db: Db, id: string, now: number): Promise<boolean> {
  const row = await db.selectFrom("deployments").select("lease_until").where("id", "=", id).executeTakeFirst();
  return row?.lease_until != null && row.lease_until >= now;
}
