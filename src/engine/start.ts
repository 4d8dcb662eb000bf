import type { Transaction } from "kysely";
import type { Deployment, EnvironmentConfig } from "../core/index.js";
import type { GateResult } from "../policy/index.js";
import type { Database } from "../store/index.js";
import { isTerminal, type DeploymentState } from "../core/index.js";
import type { EngineContext } from "./context.js";
import { parseFrozen } from "./frozen.js";
import { planDeploymentSteps } from "./plan.js";
import { ensureEnvironment } from "./routing.js";
import { deploymentSubject, record } from "./record.js";
import { transition } from "./transition.js";

/**
 * Takes a queued deployment's environment lock, records what runs there now (what a rollback
 * would restore), stores the plan, and moves it to `running`: all in one transaction.
 * Returns undefined when another deployment of the same environment holds the lock.
 */
export async function startDeployment(ctx: EngineContext, d: Deployment, envConfigJson: string, gates: GateResult[]): Promise<Deployment | undefined> {
  const env = await ensureEnvironment(ctx, d.service, d.environment);
  const frozen = parseFrozen(envConfigJson);
  return ctx.store.db.transaction().execute(async (trx) => {
    if (!(await takeEnvLock(ctx, trx, d))) return undefined;
    // A rollback is planned like a blue-green switch: all new replicas ready before any traffic moves.
    const environment: EnvironmentConfig = d.kind === "rollback" ? { ...frozen.environment, strategy: { type: "blue-green" } } : frozen.environment;
    const hasPrevious = env.current_version !== null;
    const steps = planDeploymentSteps(environment, hasPrevious);
    await trx
      .insertInto("steps")
      .values(steps.map((params, idx) => ({ deployment_id: d.id, idx, kind: params.kind, params_json: JSON.stringify(params), state: "pending", result_json: null, started_at: null, finished_at: null })))
      .execute();
    await trx
      .updateTable("deployments")
      .set({ previous_version: env.current_version, previous_digest: env.current_digest })
      .where("id", "=", d.id)
      .execute();
    const withPrevious = { ...d, previousVersion: env.current_version, previousDigest: env.current_digest };
    if (gates.length > 0) await record(ctx, { actor: "slipway", action: "gate.evaluated", subject: deploymentSubject(d.id), payload: { verdict: "pass", gates } }, trx);
    return transition(ctx, withPrevious, "running", { payload: { plan: steps, previous: env.current_version } }, trx);
  });
}

/** The environment lock is a row, so it holds across replicas of the control plane. */
async function takeEnvLock(ctx: EngineContext, trx: Transaction<Database>, d: Deployment): Promise<boolean> {
  const inserted = await trx
    .insertInto("env_locks")
    .values({ service: d.service, environment: d.environment, deployment_id: d.id, acquired_at: ctx.clock.now() })
    .onConflict((oc) => oc.columns(["service", "environment"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
  const holder = await trx
    .selectFrom("env_locks")
    .innerJoin("deployments", "deployments.id", "env_locks.deployment_id")
    .select(["env_locks.deployment_id", "deployments.state"])
    .where("env_locks.service", "=", d.service)
    .where("env_locks.environment", "=", d.environment)
    .executeTakeFirst();
  if (holder?.deployment_id === d.id) return true;
  if (holder && isTerminal(holder.state as DeploymentState)) {
    // The holder finished without releasing (it crashed between the two): take the lock over.
    await trx.updateTable("env_locks").set({ deployment_id: d.id, acquired_at: ctx.clock.now() }).where("service", "=", d.service).where("environment", "=", d.environment).execute();
    return true;
  }
  return false;
}
