/** Reads one service's history for the rollup: a handful of queries, each over the service's own rows. */
import type { ServiceConfig } from "../core/index.js";
import type { Db } from "../store/index.js";
import { productionEnvs } from "./production.js";
import type { ArtifactFact, DeploymentFact, IncidentFact, ServiceHistory } from "./types.js";

const VERIFY_KINDS = ["verify", "analyse"];

export async function loadServiceHistory(db: Db, service: string): Promise<ServiceHistory> {
  const row = await db.selectFrom("services").select("config_json").where("name", "=", service).executeTakeFirst();
  const config = row ? (JSON.parse(row.config_json) as ServiceConfig) : undefined;
  const approvalEnvs = new Set(Object.entries(config?.environments ?? {}).filter(([, e]) => e.requires?.approvals !== undefined).map(([n]) => n));

  const [deployments, approvals, steps, links, artifacts, provenance, built, commits, runs] = await Promise.all([
    db.selectFrom("deployments").select(["id", "environment", "kind", "artifact_id", "digest", "state", "actor", "reason", "override_by", "created_at", "started_at", "finished_at"]).where("service", "=", service).execute(),
    db.selectFrom("approvals").innerJoin("deployments", "deployments.id", "approvals.deployment_id").select(["approvals.deployment_id as id"]).select((eb) => eb.fn.min("approvals.at").as("at")).where("deployments.service", "=", service).where("approvals.decision", "=", "approve").groupBy("approvals.deployment_id").execute(),
    db
      .selectFrom("steps")
      .innerJoin("deployments", "deployments.id", "steps.deployment_id")
      .select(["steps.deployment_id as id", "steps.state"])
      .select((eb) => eb.fn.countAll().as("n"))
      .where("deployments.service", "=", service)
      .where("steps.kind", "in", VERIFY_KINDS)
      .groupBy(["steps.deployment_id", "steps.state"])
      .execute(),
    db.selectFrom("incident_deployments").innerJoin("deployments", "deployments.id", "incident_deployments.deployment_id").select(["incident_deployments.deployment_id as id", "incident_deployments.incident_id"]).where("deployments.service", "=", service).execute(),
    db.selectFrom("artifacts").select(["id", "digest", "created_at", "commit_sha"]).where("service", "=", service).execute(),
    db.selectFrom("artifact_attachments").innerJoin("artifacts", "artifacts.digest", "artifact_attachments.digest").select("artifacts.id").where("artifacts.service", "=", service).where("artifact_attachments.kind", "=", "provenance").execute(),
    db.selectFrom("pipeline_runs").innerJoin("artifacts", "artifacts.digest", "pipeline_runs.artifact_digest").select("artifacts.id").where("artifacts.service", "=", service).execute(),
    db.selectFrom("artifact_commits").select(["artifact_id", "sha", "committed_at"]).where("service", "=", service).execute(),
    db.selectFrom("pipeline_runs").select(["status", "created_at", "finished_at", "updated_at", "triage_json"]).where("service", "=", service).execute(),
  ]);

  const firstApproval = new Map(approvals.map((a) => [a.id, Number(a.at)]));
  const verify = new Map<string, { planned: number; done: number; failed: number }>();
  for (const s of steps) {
    const v = verify.get(s.id) ?? { planned: 0, done: 0, failed: 0 };
    const n = Number(s.n);
    v.planned += n;
    if (s.state === "done") v.done += n;
    if (s.state === "failed") v.failed += n;
    verify.set(s.id, v);
  }
  const incidentsOf = new Map<string, string[]>();
  for (const l of links) incidentsOf.set(l.id, [...(incidentsOf.get(l.id) ?? []), l.incident_id]);
  const linkedIds = [...new Set(links.map((l) => l.incident_id))];
  const incidents = await loadIncidents(db, service, linkedIds);
  const evidenced = new Set([...provenance.map((p) => p.id), ...built.map((b) => b.id)]);

  const facts: DeploymentFact[] = deployments.map((d) => ({
    id: d.id,
    environment: d.environment,
    kind: d.kind === "rollback" ? "rollback" : "deploy",
    artifactId: d.artifact_id,
    digest: d.digest,
    state: d.state,
    actor: d.actor,
    reason: d.reason,
    overridden: d.override_by !== null,
    createdAt: Number(d.created_at),
    startedAt: d.started_at === null ? null : Number(d.started_at),
    finishedAt: d.finished_at === null ? null : Number(d.finished_at),
    firstApprovalAt: firstApproval.get(d.id) ?? null,
    verifySteps: verify.get(d.id) ?? { planned: 0, done: 0, failed: 0 },
    incidentIds: incidentsOf.get(d.id) ?? [],
  }));
  const artifactFacts: ArtifactFact[] = artifacts.map((a) => ({ id: a.id, createdAt: Number(a.created_at), commit: a.commit_sha, hasProvenance: evidenced.has(a.id) }));
  return {
    service,
    production: productionEnvs(config),
    approvalEnvs,
    deployments: facts,
    artifacts: artifactFacts,
    commits: commits.map((c) => ({ artifactId: c.artifact_id, sha: c.sha, committedAt: Number(c.committed_at) })),
    incidents,
    pipelineRuns: runs.map((r) => ({
      status: r.status,
      createdAt: Number(r.created_at),
      finishedAt: r.finished_at === null ? null : Number(r.finished_at),
      triagedAt: r.status === "failed" && r.triage_json !== null ? Number(r.updated_at) : null,
    })),
  };
}

/** The service's incidents, and incidents of no service linked to its deployments. */
async function loadIncidents(db: Db, service: string, linked: readonly string[]): Promise<IncidentFact[]> {
  const own = await db.selectFrom("incidents").select(["id", "started_at", "resolved_at"]).where("service", "=", service).execute();
  const ids = new Set(own.map((i) => i.id));
  const missing = linked.filter((id) => !ids.has(id));
  const others = missing.length ? await db.selectFrom("incidents").select(["id", "started_at", "resolved_at"]).where("id", "in", missing).where("service", "is", null).execute() : [];
  const linkedOnly = missing.length ? await db.selectFrom("incidents").select(["id", "started_at", "resolved_at"]).where("id", "in", missing).execute() : [];
  // Incidents of another service still resolve this service's linked deployments; only those of this service (or none) count as its incidents.
  const countOwn = new Set([...own, ...others].map((i) => i.id));
  return [...own, ...others, ...linkedOnly.filter((i) => !countOwn.has(i.id))].map((i) => ({
    id: i.id,
    startedAt: Number(i.started_at),
    resolvedAt: i.resolved_at === null ? null : Number(i.resolved_at),
    counted: countOwn.has(i.id),
  }));
}
