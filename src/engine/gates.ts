import { badInput, type EnvironmentConfig, type Role } from "../core/index.js";
import { evaluateGates, type DeploymentFacts, type GateInput, type GateReport, type SourceHistory } from "../policy/index.js";
import { getEnvironment, listApprovals, listFinishedDeployments } from "../store/index.js";
import { getArtifact, requireArtifact, supplyFacts } from "../supply/index.js";
import type { EngineContext } from "./context.js";
import { getServiceConfig } from "./services.js";

/**
 * The deployment facts the gates look at (a dry run has no id yet). The commit author is
 * looked up from the artifact; an override was already checked by the API.
 */
export type GateSubject = Omit<DeploymentFacts, "author"> & { override: { by: string; reason: string } | null };

/** Gathers every fact the policy needs from the store and evaluates the environment's gates. */
export async function checkGates(ctx: EngineContext, subject: GateSubject, environment: EnvironmentConfig): Promise<GateReport> {
  return evaluateGates(await gatherGateInput(ctx, subject, environment));
}

export async function gatherGateInput(ctx: EngineContext, subject: GateSubject, environment: EnvironmentConfig): Promise<GateInput> {
  const artifact = await getArtifact(ctx.store, subject.service, subject.version);
  const approvals = subject.id ? await listApprovals(ctx.store.db, subject.id) : [];
  const source = environment.requires?.promoted_from;
  const requires = environment.requires;
  const needsSupply = Boolean(requires?.signed_by || requires?.provenance || requires?.sbom || requires?.max_severity);
  return {
    now: ctx.clock.now(),
    environment,
    deployment: { ...(subject.id ? { id: subject.id } : {}), service: subject.service, environment: subject.environment, version: subject.version, digest: subject.digest, actor: subject.actor, author: artifact?.author ?? null, createdAt: subject.createdAt },
    sourceHistory: source ? await sourceHistory(ctx, subject.service, source, subject.digest) : null,
    approvals: approvals.map((a) => ({ by: a.by, decision: a.decision as "approve" | "reject", at: a.at, comment: a.comment, digest: a.digest })),
    // The role each person held when they decided: revoking a token later does not rewrite history.
    approverRoles: Object.fromEntries(approvals.map((a) => [a.by, a.role as Role])),
    // Only people allowed to break glass can have set it (the API checks before the deployment exists).
    override: subject.override ? { ...subject.override, allowed: true } : null,
    // Checked at every evaluation, so a key revoked since the upload no longer counts.
    ...(needsSupply ? { supply: await supplyFacts(ctx.store, subject.digest, subject.service) } : {}),
  };
}

/** What the promoted_from environment knows about this digest: its successes, its failures, what runs there now. */
async function sourceHistory(ctx: EngineContext, service: string, environment: string, digest: string): Promise<SourceHistory> {
  const finished = await listFinishedDeployments(ctx.store.db, service, environment);
  const env = await getEnvironment(ctx.store.db, service, environment);
  const succeeded = finished.filter((d) => d.state === "succeeded");
  const runs = succeeded
    .filter((d) => d.digest === digest)
    .map((d) => {
      // A run ends when a later deployment of another digest succeeds there (or the env no longer runs it).
      const replacedBy = succeeded.find((x) => x.finished_at! > d.finished_at! && x.digest !== digest);
      const stillRuns = !replacedBy && env?.current_digest === digest;
      return { deploymentId: d.id, finishedAt: d.finished_at!, endedAt: stillRuns ? null : (replacedBy?.finished_at ?? env?.since ?? d.finished_at!) };
    });
  const failures = finished
    .filter((d) => d.digest === digest && ["rolled_back", "rollback_failed", "failed"].includes(d.state))
    .map((d) => ({ deploymentId: d.id, at: d.finished_at!, what: d.error ?? d.state }));
  const current =
    env?.current_version && env.current_digest && env.since !== null ? { version: env.current_version, digest: env.current_digest, since: env.since } : null;
  return { runs, failures, current };
}

/** Evaluates every gate for a deployment that does not exist yet: nothing changes. */
export async function dryRunGates(
  ctx: EngineContext,
  req: { service: string; environment: string; version: string; actor: string; override: { by: string; reason: string } | null },
): Promise<GateReport & { service: string; environment: string; version: string; digest: string }> {
  const config = await getServiceConfig(ctx, req.service);
  const environment = config.environments[req.environment];
  if (!environment) throw badInput(`service ${req.service} has no environment "${req.environment}"`, { hint: `use one of: ${Object.keys(config.environments).join(", ")}` });
  const artifact = await requireArtifact(ctx.store, req.service, req.version);
  const report = await checkGates(ctx, { ...req, digest: artifact.digest, createdAt: ctx.clock.now() }, environment);
  return { ...report, service: req.service, environment: req.environment, version: req.version, digest: artifact.digest };
}
