/** Reads one service's history for the rollup: a handful of queries, each over the service's own rows. */
import type { ServiceConfig } from "../core/index.js";
import type { Db } from "../store/index.js";
import { productionEnvs } from "./production.js";
import type { ArtifactFact, DeploymentFact, IncidentFact, ServiceHistory } from "./types.js";

const VERIFY_KINDS = ["verify", "analyse"];

export async function loadServiceHistory(db: Db, service: string): Promise<ServiceHistory> {
  return (await loadServiceHistories(db, [service]))[0]!;
}

/** Groups rows by a key. */
function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** The histories of several services, read with one query per table for all of them. */
export async function loadServiceHistories(db: Db, services: readonly string[]): Promise<ServiceHistory[]> {
  const all = await loadRows(db, services);
  const by = {
    config: new Map(all.configs.map((c) => [c.name, c.config_json])),
    deployments: groupBy(all.deployments, (r) => r.service),
    approvals: groupBy(all.approvals, (r) => r.service),
    steps: groupBy(all.steps, (r) => r.service),
    links: groupBy(all.links, (r) => r.service),
    artifacts: groupBy(all.artifacts, (r) => r.service),
    provenance: groupBy(all.provenance, (r) => r.service),
    built: groupBy(all.built, (r) => r.service),
    commits: groupBy(all.commits, (r) => r.service),
    runs: groupBy(all.runs, (r) => r.service ?? ""),
    incidents: groupBy(all.incidents, (r) => r.service ?? ""),
  };
  const linkedIncidents = [...new Set(all.links.map((l) => l.incident_id))];
  const incidentRows = new Map(all.incidents.map((i) => [i.id, i]));
  const missing = linkedIncidents.filter((id) => !incidentRows.has(id));
  for (let i = 0; i < missing.length; i += 500) {
    for (const r of await db.selectFrom("incidents").select(["id", "service", "started_at", "resolved_at"]).where("id", "in", missing.slice(i, i + 500)).execute()) incidentRows.set(r.id, r);
  }
  return services.map((service) => {
    const json = by.config.get(service);
    return buildHistory(service, json ? (JSON.parse(json) as ServiceConfig) : undefined, {
      deployments: by.deployments.get(service) ?? [],
      approvals: by.approvals.get(service) ?? [],
      steps: by.steps.get(service) ?? [],
      links: by.links.get(service) ?? [],
      artifacts: by.artifacts.get(service) ?? [],
      provenance: by.provenance.get(service) ?? [],
      built: by.built.get(service) ?? [],
      commits: by.commits.get(service) ?? [],
      runs: by.runs.get(service) ?? [],
      own: by.incidents.get(service) ?? [],
      incidentRows,
    });
  });
}

type Rows = Awaited<ReturnType<typeof loadRows>>;

async function loadRows(db: Db, services: readonly string[]) {
  const list = [...services];
  const [configs, deployments, approvals, steps, links, artifacts, provenance, built, commits, runs, incidents] = await Promise.all([
    db.selectFrom("services").select(["name", "config_json"]).where("name", "in", list).execute(),
    db.selectFrom("deployments").select(["id", "service", "environment", "kind", "artifact_id", "digest", "state", "actor", "reason", "override_by", "created_at", "started_at", "finished_at"]).where("service", "in", list).execute(),
    db.selectFrom("approvals").innerJoin("deployments", "deployments.id", "approvals.deployment_id").select(["approvals.deployment_id as id", "deployments.service"]).select((eb) => eb.fn.min("approvals.at").as("at")).where("deployments.service", "in", list).where("approvals.decision", "=", "approve").groupBy(["approvals.deployment_id", "deployments.service"]).execute(),
    db
      .selectFrom("steps")
      .innerJoin("deployments", "deployments.id", "steps.deployment_id")
      .select(["steps.deployment_id as id", "deployments.service", "steps.state"])
      .select((eb) => eb.fn.countAll().as("n"))
      .where("deployments.service", "in", list)
      .where("steps.kind", "in", VERIFY_KINDS)
      .groupBy(["steps.deployment_id", "deployments.service", "steps.state"])
      .execute(),
    db.selectFrom("incident_deployments").innerJoin("deployments", "deployments.id", "incident_deployments.deployment_id").select(["incident_deployments.deployment_id as id", "deployments.service", "incident_deployments.incident_id"]).where("deployments.service", "in", list).execute(),
    db.selectFrom("artifacts").select(["id", "service", "digest", "created_at", "commit_sha"]).where("service", "in", list).execute(),
    db.selectFrom("artifact_attachments").innerJoin("artifacts", "artifacts.digest", "artifact_attachments.digest").select(["artifacts.id", "artifacts.service"]).where("artifacts.service", "in", list).where("artifact_attachments.kind", "=", "provenance").execute(),
    db.selectFrom("pipeline_runs").innerJoin("artifacts", "artifacts.digest", "pipeline_runs.artifact_digest").select(["artifacts.id", "artifacts.service"]).where("artifacts.service", "in", list).execute(),
    db.selectFrom("artifact_commits").select(["artifact_id", "service", "sha", "committed_at"]).where("service", "in", list).execute(),
    db.selectFrom("pipeline_runs").select(["service", "status", "created_at", "finished_at", "updated_at", "triage_json"]).where("service", "in", list).execute(),
    db.selectFrom("incidents").select(["id", "service", "started_at", "resolved_at"]).where("service", "in", list).execute(),
  ]);
  return { configs, deployments, approvals, steps, links, artifacts, provenance, built, commits, runs, incidents };
}

interface ServiceRows {
  deployments: Rows["deployments"];
  approvals: Rows["approvals"];
  steps: Rows["steps"];
  links: Rows["links"];
  artifacts: Rows["artifacts"];
  provenance: Rows["provenance"];
  built: Rows["built"];
  commits: Rows["commits"];
  runs: Rows["runs"];
  own: Rows["incidents"];
  incidentRows: Map<string, Rows["incidents"][number]>;
}

function buildHistory(service: string, config: ServiceConfig | undefined, r: ServiceRows): ServiceHistory {
  const approvalEnvs = new Set(Object.entries(config?.environments ?? {}).filter(([, e]) => e.requires?.approvals !== undefined).map(([n]) => n));
  const { deployments, approvals, steps, links, artifacts, provenance, built, commits, runs } = r;
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
  for (const [id, list] of groupBy(links, (l) => l.id)) incidentsOf.set(id, list.map((l) => l.incident_id));
  const incidents = serviceIncidents(service, r);
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

/** The service's incidents (its own, and those of no service linked to it) and, not counted, other incidents linked to its deployments. */
function serviceIncidents(service: string, r: ServiceRows): IncidentFact[] {
  const out = new Map<string, IncidentFact>();
  const fact = (i: Rows["incidents"][number], counted: boolean): IncidentFact => ({ id: i.id, startedAt: Number(i.started_at), resolvedAt: i.resolved_at === null ? null : Number(i.resolved_at), counted });
  for (const i of r.own) out.set(i.id, fact(i, true));
  for (const l of r.links) {
    if (out.has(l.incident_id)) continue;
    const i = r.incidentRows.get(l.incident_id);
    if (i) out.set(i.id, fact(i, i.service === null || i.service === service));
  }
  return [...out.values()];
}
