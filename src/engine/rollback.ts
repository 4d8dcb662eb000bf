import type { Deployment } from "../core/index.js";
import type { EngineContext } from "./context.js";
import { waitForReadiness } from "./readiness.js";
import { record, deploymentSubject } from "./record.js";
import { ensureReplicas, liveReplicasOf, markRunning, runningReplicas } from "./replicas.js";
import { envTargetOf, setWeights } from "./routing.js";
import type { RunState } from "./run-state.js";
import { drainAndStop } from "./traffic.js";

/**
 * Restores what ran before the deployment: traffic goes back to the previous version first
 * (starting it again if a rolling deploy had already stopped it), then the new version is
 * drained and stopped. Idempotent, so an interrupted rollback is simply run again.
 */
export async function restorePrevious(ctx: EngineContext, run: RunState): Promise<void> {
  const d = run.deployment;
  const previous = d.previousVersion !== null && d.previousVersion !== d.version ? d.previousVersion : null;
  if (previous !== null) {
    await ensurePreviousServes(ctx, run, d, previous);
    await setWeights(ctx, envTargetOf(run), [{ version: previous, weight: 100 }]);
  } else if (d.previousVersion === null) {
    await setWeights(ctx, envTargetOf(run), []);
  }
  await record(ctx, { actor: "slipway", action: "traffic.restored", subject: deploymentSubject(d.id), payload: { version: previous } });
  const owner = { deploymentId: d.id, service: d.service, environment: d.environment, version: d.version, digest: d.digest };
  await drainAndStop(ctx, run, await liveReplicasOf(ctx, owner));
}

async function ensurePreviousServes(ctx: EngineContext, run: RunState, d: Deployment, previous: string): Promise<void> {
  if ((await runningReplicas(ctx, d.service, d.environment, { version: previous })).length > 0) return;
  const owner = { deploymentId: d.id, service: d.service, environment: d.environment, version: previous, digest: d.previousDigest! };
  const started = await ensureReplicas(ctx, owner, run.frozen, run.frozen.environment.target.replicas);
  await waitForReadiness(ctx, run, started);
  await markRunning(ctx, started.map((r) => r.id));
}
