import { listAuditEvents } from "../audit/index.js";
import type { EngineContext } from "./context.js";
import type { FrozenConfig } from "./frozen.js";
import { deploymentSubject, record } from "./record.js";

/** What a target's `on_host_failure` policy decided about a host that could not be reached. */
export type HostFailureDecision = "rollback" | "continue";

const HOST_FAILED = "host.failed";
/** Errors already put on the record, so the step that fails with one does not record it twice. */
const recorded = new WeakSet<object>();

/** Hosts a deployment goes on without: unreachable hosts its policy let it continue without. */
export async function hostsLeftOut(ctx: EngineContext, deploymentId: string): Promise<Set<string>> {
  const events = await listAuditEvents(ctx.store.db, { subject: deploymentSubject(deploymentId), limit: 1000 });
  const out = new Set<string>();
  for (const e of events) {
    const p = e.payload as { host?: string; decision?: string } | null;
    if (e.action === HOST_FAILED && p?.decision === "continue" && typeof p.host === "string") out.add(p.host);
  }
  return out;
}

/**
 * Applies the target's policy to hosts that could not be reached and records each with the
 * decision: `continue_below: X` goes on without them while all hosts left out so far are at most
 * that share of the fleet; anything else (and the process driver) rolls back.
 */
export async function decideHostFailures(
  ctx: EngineContext,
  deploymentId: string,
  frozen: FrozenConfig,
  failures: { host: string; error: unknown }[],
): Promise<HostFailureDecision> {
  const target = frozen.environment.target;
  const policy = target.driver === "ssh" ? target.on_host_failure : "rollback";
  let decision: HostFailureDecision = "rollback";
  if (target.driver === "ssh" && typeof policy === "object") {
    const out = await hostsLeftOut(ctx, deploymentId);
    for (const f of failures) out.add(f.host);
    if (out.size / target.hosts.length <= policy.continue_below + 1e-9) decision = "continue";
  }
  for (const f of failures) await recordHostFailure(ctx, deploymentId, frozen, f.host, f.error, decision);
  return decision;
}

/** Records a host that could not be reached, with the policy and its decision (once per error). */
export async function recordHostFailure(
  ctx: EngineContext,
  deploymentId: string,
  frozen: FrozenConfig,
  host: string | null,
  err: unknown,
  decision: HostFailureDecision = "rollback",
): Promise<void> {
  if (typeof err === "object" && err !== null) {
    if (recorded.has(err)) return;
    recorded.add(err);
  }
  const target = frozen.environment.target;
  await record(ctx, {
    actor: "slipway",
    action: HOST_FAILED,
    subject: deploymentSubject(deploymentId),
    payload: {
      host: host ?? (err as { details?: { host?: string } }).details?.host ?? null,
      error: (err as Error).message,
      policy: target.driver === "ssh" ? target.on_host_failure : "rollback",
      decision,
    },
  });
}
