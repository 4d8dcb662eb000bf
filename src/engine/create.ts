import { badInput, conflict, isSlipwayError, isTerminal, newId, notFound, type Deployment, type DeploymentKind } from "../core/index.js";
import { resolveConfig } from "../secrets/index.js";
import { getDeployment, getEnvironment, insertDeployment, isLeased, lastGoodVersion, lastSucceeded, requestCancel, toDeployment } from "../store/index.js";
import { checkStoredArtifact, getArtifact } from "../supply/index.js";
import type { EngineContext } from "./context.js";
import type { FrozenConfig } from "./frozen.js";
import { deploymentSubject, record } from "./record.js";
import { getServiceConfig } from "./services.js";
import { transition } from "./transition.js";
import { driverFor, isScriptTarget } from "./targets.js";

export interface DeployRequest {
  service: string;
  environment: string;
  version: string;
  actor: string;
  reason?: string | undefined;
  kind?: DeploymentKind;
  /** Break-glass past windows and freezes; the caller has checked the person may. */
  override?: { by: string; reason: string } | undefined;
}

/** Queues a deployment of a pushed version. Everything that can be checked now is checked now. */
export async function createDeployment(ctx: EngineContext, req: DeployRequest): Promise<Deployment> {
  const config = await getServiceConfig(ctx, req.service);
  const environment = config.environments[req.environment];
  if (!environment) {
    throw badInput(`service ${req.service} has no environment "${req.environment}"`, {
      hint: `use one of: ${Object.keys(config.environments).join(", ")}`,
    });
  }
  const artifact = await getArtifact(ctx.store, req.service, req.version);
  if (!artifact) {
    throw notFound(`no artifact ${req.service} ${req.version}`, {
      hint: `push it first: slipway artifact push PATH --service ${req.service} --version ${req.version}`,
    });
  }
  // The bytes must still be the ones pushed: a changed byte in the store is refused here, by digest.
  // A node that does not hold the blob leaves the check to the unpack on the node that runs it.
  await checkStoredArtifact(ctx.dataDir, artifact.digest).catch((err: unknown) => {
    if (!isSlipwayError(err) || err.code !== "not_found") throw err;
  });
  const frozen: FrozenConfig = { run: config.run, environment, config: config.config[req.environment] ?? {} };
  const env = await getEnvironment(ctx.store.db, req.service, req.environment);
  resolveConfig(frozen.config, ctx.secretSource); // a missing secret fails now, not half-way through
  // So does a run.user not allowed (script targets start no replicas: their commands are the deploy tooling).
  if (!isScriptTarget(environment.target)) await driverFor(ctx, environment.target).checkUser?.(req.service, config.run?.user);
  const now = ctx.clock.now();
  const row = {
    id: newId(),
    service: req.service,
    environment: req.environment,
    kind: req.kind ?? "deploy",
    artifact_id: artifact.id,
    version: artifact.version,
    digest: artifact.digest,
    state: "queued",
    strategy: req.kind === "rollback" && environment.target.driver !== "script" ? "blue-green" : environment.strategy.type,
    actor: req.actor,
    reason: req.reason ?? null,
    previous_version: null,
    previous_digest: null,
    previous_deployment_id: null,
    previous_replicas: null,
    previous_weights_json: null,
    // A deployment to an environment tied to a node (local replicas) can only run there.
    node: env?.node ?? null,
    env_config_json: JSON.stringify(frozen),
    error: null,
    error_hint: null,
    cancel_requested: 0,
    lease_owner: null,
    lease_until: null,
    lease_token: null,
    override_by: req.override?.by ?? null,
    override_reason: req.override?.reason ?? null,
    not_before: null,
    waiting_for: null,
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertDeployment(trx, row);
    await record(ctx, { actor: req.actor, action: "deployment.created", subject: deploymentSubject(row.id), payload: { service: row.service, environment: row.environment, version: row.version, digest: row.digest, kind: row.kind, reason: row.reason } }, trx);
    if (req.override) {
      await record(ctx, { actor: req.override.by, action: "deployment.override", subject: deploymentSubject(row.id), payload: { gates: ["window", "freeze"], reason: req.override.reason } }, trx);
    }
  });
  return toDeployment(row);
}

/** Redeploys the last good version before the current one, or the named version. */
export async function createRollback(ctx: EngineContext, req: { service: string; environment: string; to?: string | undefined; actor: string; reason?: string | undefined }): Promise<Deployment> {
  const env = await getEnvironment(ctx.store.db, req.service, req.environment);
  let version = req.to;
  if (!version) {
    version = await lastGoodVersion(ctx.store.db, req.service, req.environment, env?.current_version ?? null);
    if (!version) {
      throw notFound(`no earlier good version of ${req.service} in ${req.environment} to roll back to`, {
        hint: "name one with --to VERSION",
      });
    }
  } else if (!(await lastSucceeded(ctx.store.db, req.service, req.environment, version))) {
    ctx.log.warn({ service: req.service, version }, "rolling back to a version that never succeeded in this environment");
  }
  return createDeployment(ctx, { ...req, version, kind: "rollback", reason: req.reason ?? `rollback to ${version}` });
}

/** Cancels a deployment: a queued one at once, a running one at its next check (it then restores the previous state). */
export async function cancelDeployment(ctx: EngineContext, id: string, actor: string): Promise<Deployment> {
  const d = await getDeployment(ctx.store.db, id);
  if (isTerminal(d.state)) throw conflict(`deployment ${id} already ended (${d.state})`, { hint: "to undo it, run `slipway rollback`" });
  await requestCancel(ctx.store.db, id, ctx.clock.now());
  await record(ctx, { actor, action: "deployment.cancel_requested", subject: deploymentSubject(id), payload: {} });
  if (d.state === "queued" || d.state === "awaiting_approval") {
    if (!(await isLeased(ctx.store.db, id, ctx.clock.now()))) {
      try {
        return await transition(ctx, d, "cancelled", { actor, error: "cancelled before it started" });
      } catch (err) {
        // A conflict means the executor started it in the meantime; it sees the flag and rolls back.
        if (!(isSlipwayError(err) && err.code === "conflict")) throw err;
      }
    }
  }
  return { ...d, cancelRequested: true };
}

/** Deploys exactly what `from` runs (the same digest) to `to`. */
export async function createPromotion(ctx: EngineContext, req: { service: string; from: string; to: string; actor: string; reason?: string | undefined; override?: DeployRequest["override"] }): Promise<Deployment> {
  const source = await getEnvironment(ctx.store.db, req.service, req.from);
  if (!source?.current_version) {
    throw notFound(`${req.service} runs nothing in ${req.from} to promote`, { hint: `deploy to ${req.from} first: slipway deploy ${req.service} VERSION --env ${req.from}` });
  }
  return createDeployment(ctx, {
    service: req.service,
    environment: req.to,
    version: source.current_version,
    actor: req.actor,
    reason: req.reason ?? `promote ${source.current_version} from ${req.from}`,
    override: req.override,
  });
}
