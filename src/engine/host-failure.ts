import type { EngineContext } from "./context.js";
import { deploymentSubject, record } from "./record.js";
import type { RunState } from "./run-state.js";

/**
 * Records a host that could not be reached mid-deployment, with the target's policy and what it
 * decided, before the failure takes its course (the rollback restores every host that moved).
 */
export async function recordHostFailure(ctx: EngineContext, run: RunState, err: unknown): Promise<void> {
  const target = run.frozen.environment.target;
  const details = (err as { details?: { host?: string } }).details;
  const policy = target.driver === "ssh" ? target.on_host_failure : "rollback";
  await record(ctx, {
    actor: "slipway",
    action: "host.failed",
    subject: deploymentSubject(run.deployment.id),
    payload: { host: details?.host ?? null, error: (err as Error).message, policy, decision: "rollback" },
  });
}
