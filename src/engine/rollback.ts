import { isSlipwayError, type TrafficWeight } from "../core/index.js";
import { getDeploymentRow } from "../store/index.js";
import type { EngineContext } from "./context.js";
import { parseFrozen, type FrozenConfig } from "./frozen.js";
import { waitForReadiness } from "./readiness.js";
import { record, deploymentSubject } from "./record.js";
import { ensureReplicas, liveReplicasOf, markRunning, runningReplicas } from "./replicas.js";
import { envTargetOf, setWeights } from "./routing.js";
import type { RunState } from "./run-state.js";
import { commandFailed, runTargetCommand, scriptTargetOf } from "./script-step.js";
import { isScriptTarget, replicasOf } from "./targets.js";
import { drainAndStop } from "./traffic.js";

/**
 * Restores exactly what ran before the deployment: the previous version with as many replicas
 * as served it then (started again, with the configuration they ran with, where a rolling
 * update had already stopped some), the traffic split as it was, and only then the new version
 * drained and stopped. Idempotent, so an interrupted rollback or cancel is simply run again.
 */
export async function restorePrevious(ctx: EngineContext, run: RunState): Promise<void> {
  if (isScriptTarget(run.frozen.environment.target)) return restoreByScript(ctx, run);
  const d = run.deployment;
  const previous = d.previousVersion !== null && d.previousVersion !== d.version ? d.previousVersion : null;
  let restored: { version: string | null; replicas: number; weights: TrafficWeight[] } = { version: null, replicas: 0, weights: [] };
  if (previous !== null) {
    const replicas = await ensurePreviousServes(ctx, run, previous);
    restored = { version: previous, replicas, weights: weightsToRestore(d.previousWeights, previous, d.version) };
    await setWeights(ctx, envTargetOf(run), restored.weights);
  } else if (d.previousVersion === null) {
    await setWeights(ctx, envTargetOf(run), []);
  }
  await record(ctx, { actor: "slipway", action: "traffic.restored", subject: deploymentSubject(d.id), payload: restored });
  const owner = { deploymentId: d.id, service: d.service, environment: d.environment, version: d.version, digest: d.digest };
  await drainAndStop(ctx, run, await liveReplicasOf(ctx, owner));
}

/** The split that ran before, without the version being removed; all traffic on the previous version if none was recorded. */
function weightsToRestore(recorded: TrafficWeight[] | null, previous: string, removing: string): TrafficWeight[] {
  const kept = (recorded ?? []).filter((w) => w.version !== removing && w.weight > 0);
  return kept.length > 0 ? kept : [{ version: previous, weight: 100 }];
}

/** Brings the previous version back to the replica count it had; returns that count. */
async function ensurePreviousServes(ctx: EngineContext, run: RunState, previous: string): Promise<number> {
  const d = run.deployment;
  const wanted = d.previousReplicas ?? replicasOf(run.frozen.environment.target);
  const others = await runningReplicas(ctx, d.service, d.environment, { version: previous, notDeployment: d.id });
  const owner = { deploymentId: d.id, service: d.service, environment: d.environment, version: previous, digest: d.previousDigest! };
  const mine = await liveReplicasOf(ctx, owner);
  if (others.length >= wanted && mine.length === 0) return others.length;
  const frozen = await previousConfig(ctx, d.previousDeploymentId, run.frozen);
  const started = await ensureReplicas(ctx, owner, frozen, Math.max(0, wanted - others.length));
  await waitForReadiness(ctx, { ...run, frozen }, started);
  await markRunning(ctx, started.map((r) => r.id));
  return others.length + started.length;
}

/** The configuration the previous version ran with (its own deployment's), falling back to this one's. */
async function previousConfig(ctx: EngineContext, deploymentId: string | null, fallback: FrozenConfig): Promise<FrozenConfig> {
  if (deploymentId === null) return fallback;
  try {
    return parseFrozen((await getDeploymentRow(ctx.store.db, deploymentId)).env_config_json);
  } catch (err) {
    if (isSlipwayError(err) && err.code === "not_found") return fallback;
    throw err;
  }
}

/**
 * A script target is restored by its `rollback` command (SLIPWAY_VERSION: the previous
 * version, empty when there was none; SLIPWAY_FAILED_VERSION: the one being removed), or
 * without one by running `deploy` again for the previous version with the configuration it
 * ran with. With neither a rollback command nor a previous version there is nothing to run.
 */
async function restoreByScript(ctx: EngineContext, run: RunState): Promise<void> {
  const d = run.deployment;
  const target = scriptTargetOf(run.frozen);
  const previous = d.previousVersion !== null && d.previousDigest !== null ? { version: d.previousVersion, digest: d.previousDigest } : null;
  let via: "rollback" | "deploy" | null = null;
  if (target.rollback !== undefined) {
    via = "rollback";
    const subject = previous ? { ...previous, frozen: run.frozen } : { version: "", digest: d.digest, frozen: run.frozen };
    const outcome = await runTargetCommand(ctx, run, "rollback", subject, false, { SLIPWAY_FAILED_VERSION: d.version });
    if (outcome.outcome !== "ok") throw commandFailed(outcome, target);
  } else if (previous) {
    via = "deploy";
    const frozen = await previousConfig(ctx, d.previousDeploymentId, run.frozen);
    const outcome = await runTargetCommand(ctx, run, "deploy", { ...previous, frozen }, false, { SLIPWAY_FAILED_VERSION: d.version });
    if (outcome.outcome !== "ok") throw commandFailed({ ...outcome, name: "deploy" }, target);
  }
  await record(ctx, { actor: "slipway", action: "traffic.restored", subject: deploymentSubject(d.id), payload: { version: previous?.version ?? null, replicas: 0, weights: [], via } });
}
