import type { StepParams } from "../core/index.js";
import { analyse } from "./analyse-step.js";
import type { EngineContext } from "./context.js";
import { waitForReadiness } from "./readiness.js";
import { holdWhileWindowClosed } from "./shift-hold.js";
import { recordHostFailure } from "./host-failure.js";
import { ensureReplicas, isUnreachable, liveReplicasOf, markRunning, runningReplicas } from "./replicas.js";
import { drainAndStop, finalize, shiftTraffic } from "./traffic.js";
import type { RunState } from "./run-state.js";
import { verifyDeployment } from "./verify-step.js";
import { runScriptStep } from "./script-step.js";

/** Runs one step. Every step is idempotent, so a step interrupted by a crash is simply run again. */
export async function runStep(ctx: EngineContext, run: RunState, step: StepParams, startedAt: number): Promise<unknown> {
  try {
    return await runStepKind(ctx, run, step, startedAt);
  } catch (err) {
    // A host that cannot be reached is put on the record with the policy that decides what follows.
    if (isUnreachable(err)) await recordHostFailure(ctx, run.deployment.id, run.frozen, null, err);
    throw err;
  }
}

async function runStepKind(ctx: EngineContext, run: RunState, step: StepParams, startedAt: number): Promise<unknown> {
  const d = run.deployment;
  const owner = { deploymentId: d.id, service: d.service, environment: d.environment, version: d.version, digest: d.digest };
  switch (step.kind) {
    case "start": {
      const replicas = await ensureReplicas(ctx, owner, run.frozen, step.count);
      return { replicas: replicas.map((r) => ({ id: r.id, host: r.host, port: r.port })) };
    }
    case "wait_ready":
      return waitReady(ctx, run);
    case "verify":
      return verifyDeployment(ctx, run, step.via);
    case "shift":
      await holdWhileWindowClosed(ctx, run);
      return shiftTraffic(ctx, run, step.weight);
    case "analyse":
      return analyse(ctx, run, step.pauseMs, startedAt);
    case "stop_old":
      return stopOld(ctx, run, step.keep);
    case "finalize":
      return finalize(ctx, run);
    case "script":
      return runScriptStep(ctx, run, step.command);
  }
}

/** Waits until every new replica is ready, then lets the router send it traffic. */
async function waitReady(ctx: EngineContext, run: RunState): Promise<unknown> {
  const d = run.deployment;
  const replicas = await liveReplicasOf(ctx, { deploymentId: d.id, service: d.service, environment: d.environment, version: d.version, digest: d.digest });
  const ready = await waitForReadiness(ctx, run, replicas);
  await markRunning(ctx, replicas.map((r) => r.id));
  return { ready };
}

/** Stops previous-version replicas until `keep` remain, draining their traffic first. */
async function stopOld(ctx: EngineContext, run: RunState, keep: number): Promise<unknown> {
  const d = run.deployment;
  const old = await runningReplicas(ctx, d.service, d.environment, { notDeployment: d.id });
  // Old replicas on hosts the new version already runs on go first, so a fleet is replaced host
  // by host (every host keeps serving something); on one host this keeps the order as it was.
  const newHosts = new Set((await liveReplicasOf(ctx, { deploymentId: d.id, service: d.service, environment: d.environment, version: d.version, digest: d.digest })).map((r) => r.host));
  const ordered = [...old.filter((r) => newHosts.has(r.host)), ...old.filter((r) => !newHosts.has(r.host))];
  const toStop = ordered.slice(0, Math.max(0, ordered.length - keep));
  // Out of the route first (a balancer drains them), then stopped; a version is drained as a
  // whole only when its last replica goes.
  await drainAndStop(ctx, run, toStop);
  return { stopped: toStop.map((r) => ({ id: r.id, version: r.version })) };
}
