import type { Deployment, EnvironmentConfig } from "../core/index.js";
import type { GateResult } from "../policy/index.js";
import { insertPlan, listRunningReplicas, olderDeploymentReady, setPreviousState, takeEnvLock, tieToNode, weightsOf, type PreviousState } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { parseFrozen } from "./frozen.js";
import { planDeploymentSteps } from "./plan.js";
import { ensureEnvironment } from "./routing.js";
import { deploymentSubject, record } from "./record.js";
import { scopeOf } from "./targets.js";
import { transition } from "./transition.js";

/**
 * Takes a queued deployment's environment lock, records what runs there now (what a rollback
 * would restore), stores the plan, and moves it to `running`: all in one transaction.
 * Returns undefined when another deployment of the same environment holds the lock, or an
 * older one is ready to start (it goes first).
 */
export async function startDeployment(ctx: EngineContext, d: Deployment, envConfigJson: string, gates: GateResult[]): Promise<Deployment | undefined> {
  const env = await ensureEnvironment(ctx, d.service, d.environment);
  const frozen = parseFrozen(envConfigJson);
  const previous: PreviousState = {
    version: env.current_version,
    digest: env.current_digest,
    deploymentId: env.current_deployment_id,
    replicas: env.current_version === null ? 0 : (await listRunningReplicas(ctx.store.db, d.service, d.environment, { version: env.current_version })).length,
    weights: weightsOf(env),
  };
  const local = scopeOf(ctx, frozen.environment.target) === "node";
  return ctx.store.db.transaction().execute(async (trx) => {
    // Local replicas (and the router in front of them) live on one node: the environment is tied
    // to it, and a deployment claimed elsewhere is left queued for that node's instances.
    if (local && (await tieToNode(trx, d.id, d.service, d.environment, ctx.node)) !== ctx.node) return undefined;
    const lock = { service: d.service, environment: d.environment, deploymentId: d.id, now: ctx.clock.now() };
    if ((await olderDeploymentReady(trx, lock)) || !(await takeEnvLock(trx, lock))) return undefined;
    // A rollback is planned like a blue-green switch: all new replicas ready before any traffic moves.
    const environment: EnvironmentConfig = d.kind === "rollback" && frozen.environment.target.driver !== "script" ? { ...frozen.environment, strategy: { type: "blue-green" } } : frozen.environment;
    const steps = planDeploymentSteps(environment, env.current_version !== null);
    await insertPlan(trx, d.id, steps);
    await setPreviousState(trx, d.id, previous);
    const withPrevious: Deployment = {
      ...d,
      previousVersion: previous.version,
      previousDigest: previous.digest,
      previousDeploymentId: previous.deploymentId,
      previousReplicas: previous.replicas,
      previousWeights: [...previous.weights],
    };
    if (gates.length > 0) await record(ctx, { actor: "slipway", action: "gate.evaluated", subject: deploymentSubject(d.id), payload: { verdict: "pass", gates } }, trx);
    return transition(ctx, withPrevious, "running", { payload: { plan: steps, previous: env.current_version } }, trx);
  });
}
