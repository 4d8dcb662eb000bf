/**
 * The definitions, as pure functions over one service's history: which deployment is a failed
 * change, rework, automated, fully evidenced; which commit a deployment brought to production
 * first; when a failed change recovered. The rollup stores what these return per UTC day.
 */
import {
  CHANGE_STATES,
  dayOf,
  emptyCounts,
  FAILED_STATES,
  SERVICE_LEVEL,
  type ArtifactFact,
  type CommitFact,
  type DailyCounts,
  type DeploymentFact,
  type IncidentFact,
  type Sample,
  type ServiceHistory,
} from "./types.js";

export interface ServiceRollup {
  /** Keyed by `${environment}|${day}`. */
  counts: Map<string, DailyCounts>;
  samples: Sample[];
}

const HOTFIX = /\bhotfix\b/i;

export const isChange = (d: DeploymentFact): boolean => d.finishedAt !== null && (CHANGE_STATES as readonly string[]).includes(d.state);
export const endedFailed = (d: DeploymentFact): boolean => (FAILED_STATES as readonly string[]).includes(d.state);
/** Failed verification or another failure (rolled back, rollback failed, failed), or linked to an incident. */
export const isFailedChange = (d: DeploymentFact): boolean => endedFailed(d) || d.incidentIds.length > 0;

/** Deployments in finish order (ties by id, which sorts by creation). */
const byFinish = (a: DeploymentFact, b: DeploymentFact): number => a.finishedAt! - b.finishedAt! || (a.id < b.id ? -1 : 1);

export function computeServiceRollup(h: ServiceHistory): ServiceRollup {
  const counts = new Map<string, DailyCounts>();
  const samples: Sample[] = [];
  const at = (environment: string, day: number): DailyCounts => {
    const key = `${environment}|${day}`;
    let c = counts.get(key);
    if (!c) counts.set(key, (c = emptyCounts()));
    return c;
  };
  const artifacts = new Map(h.artifacts.map((a) => [a.id, a]));
  const incidents = new Map(h.incidents.map((i) => [i.id, i]));
  const changes = h.deployments.filter(isChange).sort(byFinish);
  const byEnv = new Map<string, DeploymentFact[]>();
  for (const d of changes) {
    const list = byEnv.get(d.environment);
    if (list) list.push(d);
    else byEnv.set(d.environment, [d]);
  }

  for (const [environment, list] of byEnv) {
    countDeployments(h, environment, list, artifacts, at);
    samples.push(...recoveries(environment, list, incidents, at));
    samples.push(...leadTimes(list, h.artifacts, h.commits, artifacts).map((s) => ({ ...s, environment, metric: "lead_env" as const })));
  }
  for (const d of h.deployments) {
    if (d.firstApprovalAt !== null) {
      samples.push({ environment: d.environment, metric: "approval_wait", day: dayOf(d.firstApprovalAt), ms: Math.max(0, d.firstApprovalAt - d.createdAt) });
    }
  }
  const production = changes.filter((d) => h.production.has(d.environment));
  samples.push(...leadTimes(production, h.artifacts, h.commits, artifacts).map((s) => ({ ...s, environment: SERVICE_LEVEL, metric: "lead" as const })));
  countIncidents(h.incidents, at, samples);
  countPipelineRuns(h, at, samples);
  return { counts, samples };
}

function countDeployments(h: ServiceHistory, environment: string, list: readonly DeploymentFact[], artifacts: Map<string, ArtifactFact>, at: (e: string, d: number) => DailyCounts): void {
  const succeededDigests = new Set<string>();
  for (const d of list) {
    const c = at(environment, dayOf(d.finishedAt!));
    c.deployments += 1;
    if (d.state === "succeeded") c.succeeded += 1;
    if (isFailedChange(d)) c.failedChanges += 1;
    // Unplanned work: a rollback (asked for, or the automatic one a failed deployment ran), a hotfix, a redeploy of a version that ran here before.
    const redeploy = d.kind === "deploy" && succeededDigests.has(d.digest);
    if (d.kind === "rollback" || d.state === "rolled_back" || d.state === "rollback_failed" || HOTFIX.test(d.reason ?? "") || redeploy) c.rework += 1;
    if (d.kind === "rollback" || d.state === "rolled_back" || d.state === "rollback_failed") {
      c.rollbacks += 1;
      if ((d.kind === "rollback" && d.state === "succeeded") || d.state === "rolled_back") c.rollbacksHealthy += 1;
    }
    if (d.startedAt !== null && d.verifySteps.planned > 0) {
      c.verifyPlanned += 1;
      if (d.verifySteps.failed > 0 || d.verifySteps.done === d.verifySteps.planned) c.verifyCompleted += 1;
    }
    // A person stepped in: break-glass past a window or freeze, a rollback asked for by hand, a failure left for a person (rollback: manual).
    const manualRollback = d.kind === "rollback" && d.actor !== "slipway";
    if (!d.overridden && !manualRollback && d.state !== "failed") c.automated += 1;
    const needsApproval = h.approvalEnvs.has(d.environment);
    if (needsApproval) c.approvalsRequired += 1;
    const artifact = artifacts.get(d.artifactId);
    if (artifact?.commit && artifact.hasProvenance && (!needsApproval || d.firstApprovalAt !== null)) c.evidenceComplete += 1;
    if (d.state === "succeeded") succeededDigests.add(d.digest);
  }
}

/**
 * A failed change recovers at its linked incident's resolution (the earliest, if several) or,
 * without an incident, at the next successful deployment of the environment. Measured from the
 * failed deployment's end, on the day it recovered; one not recovered yet counts as unrecovered
 * on the day it failed.
 */
function recoveries(environment: string, list: readonly DeploymentFact[], incidents: Map<string, IncidentFact>, at: (e: string, d: number) => DailyCounts): Sample[] {
  const out: Sample[] = [];
  let waiting: DeploymentFact[] = [];
  for (const d of list) {
    if (d.state === "succeeded") {
      for (const f of waiting) out.push({ environment, metric: "recovery", day: dayOf(d.finishedAt!), ms: d.finishedAt! - f.finishedAt! });
      waiting = [];
    }
    if (!isFailedChange(d)) continue;
    if (d.incidentIds.length > 0) {
      const resolved = d.incidentIds.map((id) => incidents.get(id)?.resolvedAt ?? null).filter((t): t is number => t !== null);
      if (resolved.length === 0) at(environment, dayOf(d.finishedAt!)).failedUnrecovered += 1;
      else {
        const end = Math.min(...resolved);
        out.push({ environment, metric: "recovery", day: dayOf(Math.max(end, d.finishedAt!)), ms: Math.max(0, end - d.finishedAt!) });
      }
    } else if (d.state !== "succeeded") waiting.push(d);
  }
  for (const f of waiting) at(environment, dayOf(f.finishedAt!)).failedUnrecovered += 1;
  return out;
}

/**
 * Lead time per commit: each commit, from its commit time to the end of the first successful
 * deployment (of `list`) whose artifact contains it. An artifact contains the commits recorded
 * with it and those of every earlier build of the service (builds of one line of history), so
 * deploying 1.2 also ships 1.1's commits when 1.1 never ran. A commit counts once.
 */
function leadTimes(list: readonly DeploymentFact[], all: readonly ArtifactFact[], commits: readonly CommitFact[], artifacts: Map<string, ArtifactFact>): Omit<Sample, "environment" | "metric">[] {
  const ordered = [...all].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const rank = new Map(ordered.map((a, i) => [a.id, i]));
  const commitsOf = new Map<string, CommitFact[]>();
  for (const c of commits) {
    const list = commitsOf.get(c.artifactId);
    if (list) list.push(c);
    else commitsOf.set(c.artifactId, [c]);
  }
  const seen = new Set<string>();
  const out: Omit<Sample, "environment" | "metric">[] = [];
  let shipped = -1; // rank of the newest artifact already in production
  for (const d of list) {
    if (d.state !== "succeeded" || !artifacts.has(d.artifactId)) continue;
    const r = rank.get(d.artifactId)!;
    for (let i = shipped + 1; i <= r; i++) {
      for (const c of commitsOf.get(ordered[i]!.id) ?? []) {
        if (seen.has(c.sha)) continue;
        seen.add(c.sha);
        out.push({ day: dayOf(d.finishedAt!), ms: Math.max(0, d.finishedAt! - c.committedAt) });
      }
    }
    shipped = Math.max(shipped, r);
  }
  return out;
}

function countIncidents(incidents: readonly IncidentFact[], at: (e: string, d: number) => DailyCounts, samples: Sample[]): void {
  for (const i of incidents) {
    if (!i.counted) continue;
    at(SERVICE_LEVEL, dayOf(i.startedAt)).incidentsOpened += 1;
    if (i.resolvedAt === null) continue;
    at(SERVICE_LEVEL, dayOf(i.resolvedAt)).incidentsResolved += 1;
    samples.push({ environment: SERVICE_LEVEL, metric: "restore", day: dayOf(i.resolvedAt), ms: Math.max(0, i.resolvedAt - i.startedAt) });
  }
}

function countPipelineRuns(h: ServiceHistory, at: (e: string, d: number) => DailyCounts, samples: Sample[]): void {
  for (const r of h.pipelineRuns) {
    if (r.status !== "succeeded" && r.status !== "failed") continue;
    const end = r.finishedAt ?? r.createdAt;
    const c = at(SERVICE_LEVEL, dayOf(end));
    c.pipelineRuns += 1;
    if (r.status === "succeeded") c.pipelinePassed += 1;
    else {
      c.pipelineFailed += 1;
      if (r.triagedAt !== null) {
        c.pipelineTriaged += 1;
        samples.push({ environment: SERVICE_LEVEL, metric: "triage", day: dayOf(end), ms: Math.max(0, r.triagedAt - end) });
      }
    }
  }
}
