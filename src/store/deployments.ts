import type { Deployment, DeploymentState, TrafficWeight } from "../core/index.js";
import { isTerminal, notFound } from "../core/index.js";
import type { Db, DeploymentsTable } from "./schema.js";

/** Deployment rows: reading them and the engine's named writes. */

export function toDeployment(row: DeploymentsTable): Deployment {
  return {
    id: row.id,
    service: row.service,
    environment: row.environment,
    kind: row.kind as Deployment["kind"],
    artifactId: row.artifact_id,
    version: row.version,
    digest: row.digest,
    state: row.state as DeploymentState,
    strategy: row.strategy as Deployment["strategy"],
    actor: row.actor,
    reason: row.reason,
    previousVersion: row.previous_version,
    previousDigest: row.previous_digest,
    previousDeploymentId: row.previous_deployment_id,
    previousReplicas: row.previous_replicas,
    previousWeights: row.previous_weights_json === null ? null : (JSON.parse(row.previous_weights_json) as TrafficWeight[]),
    error: row.error,
    errorHint: row.error_hint,
    cancelRequested: row.cancel_requested === 1,
    override: row.override_by ? { by: row.override_by, reason: row.override_reason ?? "" } : null,
    waitingFor: row.waiting_for,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export async function getDeploymentRow(db: Db, id: string): Promise<DeploymentsTable> {
  const row = await db.selectFrom("deployments").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(`no deployment ${id}`, { hint: "list deployments with `slipway history SERVICE`" });
  return row;
}

export async function getDeployment(db: Db, id: string): Promise<Deployment> {
  return toDeployment(await getDeploymentRow(db, id));
}

export interface DeploymentQuery {
  service?: string;
  environment?: string;
  states?: DeploymentState[];
  since?: number;
  limit?: number;
}

export async function listDeployments(db: Db, q: DeploymentQuery = {}): Promise<Deployment[]> {
  let query = db.selectFrom("deployments").selectAll();
  if (q.service) query = query.where("service", "=", q.service);
  if (q.environment) query = query.where("environment", "=", q.environment);
  if (q.states?.length) query = query.where("state", "in", q.states);
  if (q.since !== undefined) query = query.where("created_at", ">=", q.since);
  const rows = await query.orderBy("id", "desc").limit(q.limit ?? 50).execute();
  return rows.map(toDeployment);
}

/** The newest succeeded deployment of an environment, optionally of one version. */
export async function lastSucceeded(db: Db, service: string, environment: string, version?: string): Promise<Deployment | undefined> {
  let query = db
    .selectFrom("deployments")
    .selectAll()
    .where("service", "=", service)
    .where("environment", "=", environment)
    .where("state", "=", "succeeded");
  if (version) query = query.where("version", "=", version);
  const row = await query.orderBy("id", "desc").limit(1).executeTakeFirst();
  return row ? toDeployment(row) : undefined;
}

export async function insertDeployment(db: Db, row: DeploymentsTable): Promise<void> {
  await db.insertInto("deployments").values(row).execute();
}

/** Fields a state change may set beside the state itself. */
export interface StateChange {
  at: number;
  /** The first move to `running` records when the deployment started. */
  startedAt?: number;
  error?: { message: string; hint: string | null };
}

/**
 * Moves a deployment from `from` to `to` only if nobody changed it meanwhile (false: it was no
 * longer `from`). A terminal state records the finish time and gives the lease back.
 */
export async function updateDeploymentState(db: Db, id: string, from: DeploymentState, to: DeploymentState, change: StateChange): Promise<boolean> {
  const result = await db
    .updateTable("deployments")
    .set({
      state: to,
      updated_at: change.at,
      ...(change.startedAt !== undefined ? { started_at: change.startedAt } : {}),
      ...(isTerminal(to) ? { finished_at: change.at, lease_owner: null, lease_token: null, lease_until: null } : {}),
      ...(change.error ? { error: change.error.message, error_hint: change.error.hint } : {}),
    })
    .where("id", "=", id)
    .where("state", "=", from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** What ran in an environment: the version, the deployment that put it there, its replica count, the traffic split. */
export interface PreviousState {
  version: string | null;
  digest: string | null;
  deploymentId: string | null;
  replicas: number;
  weights: readonly TrafficWeight[];
}

/** Records what ran in the environment when the deployment started: what a rollback or cancel restores. */
export async function setPreviousState(db: Db, id: string, previous: PreviousState): Promise<void> {
  await db
    .updateTable("deployments")
    .set({
      previous_version: previous.version,
      previous_digest: previous.digest,
      previous_deployment_id: previous.deploymentId,
      previous_replicas: previous.replicas,
      previous_weights_json: JSON.stringify(previous.weights),
    })
    .where("id", "=", id)
    .execute();
}

/** What a deployment waits for (a sentence, or null), and when to look at it again (null: at the next poll). */
export async function setWaiting(db: Db, id: string, waitingFor: string | null, notBefore?: number | null): Promise<void> {
  await db
    .updateTable("deployments")
    .set({ waiting_for: waitingFor, ...(notBefore !== undefined ? { not_before: notBefore } : {}) })
    .where("id", "=", id)
    .execute();
}

/** Makes a waiting deployment be looked at again at the next poll (e.g. after an approval). */
export async function clearNotBefore(db: Db, id: string): Promise<void> {
  await db.updateTable("deployments").set({ not_before: null }).where("id", "=", id).execute();
}

export async function requestCancel(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable("deployments").set({ cancel_requested: 1, updated_at: at }).where("id", "=", id).execute();
}

/** Cancellation is a flag in the database, so any replica of the control plane can cancel work another runs. */
export async function isCancelRequested(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom("deployments").select("cancel_requested").where("id", "=", id).executeTakeFirst();
  return row?.cancel_requested === 1;
}

/** The newest version that succeeded in an environment and is not `notVersion` (what `rollback` goes back to). */
export async function lastGoodVersion(db: Db, service: string, environment: string, notVersion: string | null): Promise<string | undefined> {
  const row = await db
    .selectFrom("deployments")
    .select("version")
    .where("service", "=", service)
    .where("environment", "=", environment)
    .where("state", "=", "succeeded")
    .where("version", "!=", notVersion ?? "")
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row?.version;
}

/** Every finished deployment of an environment, oldest first: the promotion gate's history of a digest. */
export async function listFinishedDeployments(db: Db, service: string, environment: string) {
  return db
    .selectFrom("deployments")
    .select(["id", "digest", "state", "finished_at", "error"])
    .where("service", "=", service)
    .where("environment", "=", environment)
    .where("finished_at", "is not", null)
    .orderBy("finished_at")
    .execute();
}

export interface DeploymentWindowQuery {
  since: number;
  until: number;
  service?: string | undefined;
  environment?: string | undefined;
  limit: number;
}

/** Deployments created in the window, finished in it, or still unfinished; newest first. */
export async function listDeploymentsInWindow(db: Db, q: DeploymentWindowQuery): Promise<Deployment[]> {
  let query = db
    .selectFrom("deployments")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb("created_at", ">=", q.since), eb("created_at", "<", q.until)]),
        eb.and([eb("finished_at", ">=", q.since), eb("created_at", "<", q.until)]),
        eb.and([eb("finished_at", "is", null), eb("created_at", "<", q.until)]),
      ]),
    );
  if (q.service) query = query.where("service", "=", q.service);
  if (q.environment) query = query.where("environment", "=", q.environment);
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(q.limit).execute();
  return rows.map(toDeployment);
}

export async function getDeploymentsByIds(db: Db, ids: string[]): Promise<Map<string, Deployment>> {
  const out = new Map<string, Deployment>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom("deployments").selectAll().where("id", "in", [...new Set(ids)]).execute();
  for (const r of rows) out.set(r.id, toDeployment(r));
  return out;
}
