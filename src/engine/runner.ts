import type { Transaction } from "kysely";
import { isSlipwayError, isTerminal, type Deployment, type Step } from "../core/index.js";
import { getDeploymentRow, holdsLease, listSteps, markRunningStepFailed, markStepDone, markStepRunning, toDeployment, type Database } from "../store/index.js";
import { admitDeployment } from "./admission.js";
import type { EngineContext } from "./context.js";
import { parseFrozen } from "./frozen.js";
import { deploymentSubject, record } from "./record.js";
import { restorePrevious } from "./rollback.js";
import { CancelRequested, LeaseLost, VerificationFailed, type RunState } from "./run-state.js";
import { throwIfCancelled } from "./pause.js";
import { startDeployment } from "./start.js";
import { runStep } from "./steps.js";
import { transition } from "./transition.js";

/**
 * Drives one claimed deployment to a terminal state, resuming from its last completed step.
 * If `signal` aborts (lease lost, shutdown) it stops where it is and another run resumes it.
 */
export async function runDeployment(ctx: EngineContext, id: string, lease: { signal: AbortSignal; token: string }): Promise<Deployment> {
  const { signal } = lease;
  const row = await getDeploymentRow(ctx.store.db, id);
  let d = toDeployment(row);
  if (isTerminal(d.state)) return d;
  if (d.state === "queued" || d.state === "awaiting_approval") {
    if (d.cancelRequested) return transition(ctx, d, "cancelled", { error: "cancelled before it started" });
    const admission = await admitDeployment(ctx, d, row);
    if (!admission.proceed) return admission.deployment;
    d = admission.deployment;
    const started = await startDeployment(ctx, d, row.env_config_json, admission.gates);
    if (!started) return d; // another deployment holds the environment; stay queued
    d = started;
  }
  const run: RunState = { deployment: d, frozen: parseFrozen(row.env_config_json), signal, leaseToken: lease.token };
  if (d.state === "rolling_back") return rollBack(ctx, run, d.cancelRequested ? "cancelled" : "rolled_back");
  try {
    for (const step of await listSteps(ctx.store.db, d.id)) {
      if (step.state === "done" || step.state === "skipped") continue;
      await throwIfCancelled(ctx, run);
      if (entersVerification(step) && run.deployment.state === "running") {
        run.deployment = await transition(ctx, run.deployment, "verifying");
      }
      await executeStep(ctx, run, step);
    }
    return await transition(ctx, run.deployment, "succeeded");
  } catch (err) {
    if (signal.aborted || err instanceof LeaseLost) return run.deployment;
    return handleFailure(ctx, run, err);
  }
}

function entersVerification(step: Step): boolean {
  return step.params.kind === "analyse" || (step.params.kind === "verify" && step.params.via !== "replicas");
}

async function executeStep(ctx: EngineContext, run: RunState, step: Step): Promise<void> {
  const d = run.deployment;
  const startedAt = step.startedAt ?? ctx.clock.now();
  if (step.state !== "running") {
    await fenced(ctx, run, async (trx) => {
      await markStepRunning(trx, d.id, step.idx, startedAt);
      await record(ctx, { actor: "slipway", action: "step.started", subject: deploymentSubject(d.id), payload: { idx: step.idx, ...step.params } }, trx);
    });
  }
  const result = await runStep(ctx, run, step.params, startedAt);
  await fenced(ctx, run, async (trx) => {
    await markStepDone(trx, d.id, step.idx, result, ctx.clock.now());
    await record(ctx, { actor: "slipway", action: "step.done", subject: deploymentSubject(d.id), payload: { idx: step.idx, ...step.params } }, trx);
  });
}

/**
 * Runs `write` only while this run's claim still holds the deployment's lease, so a step's start
 * and end are recorded once even when a slow run lost its lease mid-step (to another instance,
 * or to a later claim of its own instance).
 */
async function fenced(ctx: EngineContext, run: RunState, write: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  const id = run.deployment.id;
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await holdsLease(trx, ctx.store.dialect, id, { owner: ctx.instanceId, token: run.leaseToken }))) throw new LeaseLost(id);
    await write(trx);
  });
}

async function handleFailure(ctx: EngineContext, run: RunState, err: unknown): Promise<Deployment> {
  const d = run.deployment;
  const message = err instanceof Error ? err.message : String(err);
  const hint = isSlipwayError(err) ? err.hint : undefined;
  await markRunningStepFailed(ctx.store.db, d.id, { error: message, details: isSlipwayError(err) ? err.details : undefined }, ctx.clock.now());
  if (!(err instanceof VerificationFailed) && !(err instanceof CancelRequested)) {
    ctx.log.error({ err, deployment: d.id }, "deployment step failed");
  }
  if (err instanceof CancelRequested) {
    run.deployment = await transition(ctx, d, "rolling_back", { error: "cancelled by request", payload: { cause: "cancel" } });
    return rollBack(ctx, run, "cancelled");
  }
  // The cause tells followers of the log (incidents, notifications) a failed verification from a failed step.
  const payload = { cause: err instanceof VerificationFailed ? "verification" : "step" };
  if (run.frozen.environment.rollback === "manual") {
    return transition(ctx, d, "failed", { error: message, hint: hint ?? "rollback is manual here: run `slipway rollback` when ready", payload });
  }
  run.deployment = await transition(ctx, d, "rolling_back", { error: message, hint, payload });
  return rollBack(ctx, run, "rolled_back");
}

async function rollBack(ctx: EngineContext, run: RunState, end: "rolled_back" | "cancelled"): Promise<Deployment> {
  try {
    await restorePrevious(ctx, run);
    return await transition(ctx, run.deployment, end);
  } catch (err) {
    if (run.signal.aborted) return run.deployment;
    ctx.log.error({ err, deployment: run.deployment.id }, "rollback failed");
    const message = err instanceof Error ? err.message : String(err);
    return transition(ctx, run.deployment, "rollback_failed", {
      error: `${run.deployment.error ?? "deployment failed"}; then the rollback failed: ${message}`,
      hint: "restore the environment by hand (`slipway rollback SERVICE --env ENV`) and check the replica logs",
    });
  }
}
