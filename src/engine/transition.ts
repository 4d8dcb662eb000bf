import type { Transaction } from "kysely";
import { conflict, isTerminal, type Deployment, type DeploymentState } from "../core/index.js";
import { releaseEnvLock, updateDeploymentState, type Database } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { deploymentSubject, record } from "./record.js";

export interface TransitionDetail {
  error?: string | undefined;
  hint?: string | undefined;
  actor?: string;
  /** Extra facts for the audit event (e.g. decisions that caused a rollback). */
  payload?: Record<string, unknown>;
}

/**
 * Moves a deployment from its current state to `to`, only if nobody changed it meanwhile.
 * Every transition is an audit event (and so an SSE event), naming the control-plane instance
 * that made it; reaching a terminal state frees the environment's lock.
 */
export async function transition(ctx: EngineContext, d: Deployment, to: DeploymentState, detail: TransitionDetail = {}, outer?: Transaction<Database>): Promise<Deployment> {
  const now = ctx.clock.now();
  const startedAt = to === "running" && d.startedAt === null ? now : d.startedAt;
  const apply = async (trx: Transaction<Database>) => {
    const moved = await updateDeploymentState(trx, d.id, d.state, to, {
      at: now,
      ...(startedAt !== d.startedAt ? { startedAt: now } : {}),
      ...(detail.error !== undefined ? { error: { message: detail.error, hint: detail.hint ?? null } } : {}),
    });
    if (!moved) throw conflict(`deployment ${d.id} is no longer ${d.state}`, { hint: "reload it: another action changed it first" });
    if (isTerminal(to)) await releaseEnvLock(trx, d.id);
    await record(ctx, { actor: detail.actor ?? "slipway", action: `deployment.${to}`, subject: deploymentSubject(d.id), payload: { from: d.state, to, service: d.service, environment: d.environment, version: d.version, ...(detail.error ? { error: detail.error } : {}), instance: ctx.instanceId, ...detail.payload } }, trx);
  };
  if (outer) await apply(outer);
  else await ctx.store.db.transaction().execute(apply);
  return {
    ...d,
    state: to,
    updatedAt: now,
    startedAt,
    finishedAt: isTerminal(to) ? now : d.finishedAt,
    error: detail.error ?? d.error,
    errorHint: detail.error !== undefined ? (detail.hint ?? null) : d.errorHint,
  };
}
