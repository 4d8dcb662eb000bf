import type { Kysely, Transaction } from "kysely";
import type { Deployment, DeploymentState, Step, StepParams, StepState } from "../core/index.js";
import { notFound } from "../core/index.js";
import type { Database, DeploymentsTable, StepsTable } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

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

export function toStep(row: StepsTable): Step {
  return {
    deploymentId: row.deployment_id,
    idx: row.idx,
    params: JSON.parse(row.params_json) as StepParams,
    state: row.state as StepState,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
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

export async function listSteps(db: Db, deploymentId: string): Promise<Step[]> {
  const rows = await db.selectFrom("steps").selectAll().where("deployment_id", "=", deploymentId).orderBy("idx").execute();
  return rows.map(toStep);
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
