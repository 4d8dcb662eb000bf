/** Writing a hand-made history straight into the tables, for the insights tests. */
import type { Db } from "../store/index.js";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Day 0 of the hand-made histories: Monday 2026-01-05 00:00 UTC. */
export const D0 = Date.UTC(2026, 0, 5);
export const t = (day: number, hour: number, minute = 0): number => D0 + day * DAY + hour * HOUR + minute * 60_000;

let counter = 0;
const nextId = (prefix: string) => `${prefix}${String(++counter).padStart(6, "0")}`;

export async function addService(db: Db, name: string, environments: Record<string, unknown>): Promise<void> {
  await db.insertInto("services").values({ name, owner: "team", config_json: JSON.stringify({ service: name, owner: "team", environments }), config_yaml: "", created_at: D0, updated_at: D0 }).execute();
}

export async function addArtifact(db: Db, a: { service: string; version: string; at: number; commit: string; commits?: [string, number][] }): Promise<string> {
  const id = nextId("A");
  await db.insertInto("artifacts").values({ id, service: a.service, version: a.version, digest: `digest-${id}`, commit_sha: a.commit, author: null, size_bytes: 1, created_at: a.at }).execute();
  for (const [sha, when] of a.commits ?? []) await db.insertInto("artifact_commits").values({ artifact_id: id, service: a.service, sha, committed_at: when }).execute();
  return id;
}

export interface DeploymentSeed {
  service: string;
  environment: string;
  artifactId: string;
  state: string;
  created: number;
  finished: number | null;
  kind?: "deploy" | "rollback";
  actor?: string;
  reason?: string;
  overrideBy?: string;
  /** States of the verify steps (default two "done"). */
  verify?: string[];
}

export async function addDeployment(db: Db, d: DeploymentSeed): Promise<string> {
  const id = nextId("D");
  const artifact = await db.selectFrom("artifacts").select(["digest", "version"]).where("id", "=", d.artifactId).executeTakeFirstOrThrow();
  await db
    .insertInto("deployments")
    .values({
      id,
      service: d.service,
      environment: d.environment,
      kind: d.kind ?? "deploy",
      artifact_id: d.artifactId,
      version: artifact.version,
      digest: artifact.digest,
      state: d.state,
      strategy: "rolling",
      actor: d.actor ?? "ci",
      reason: d.reason ?? null,
      previous_version: null,
      previous_digest: null,
      previous_deployment_id: null,
      previous_replicas: null,
      previous_weights_json: null,
      node: null,
      env_config_json: "{}",
      error: null,
      error_hint: null,
      cancel_requested: 0,
      lease_owner: null,
      lease_until: null,
      override_by: d.overrideBy ?? null,
      override_reason: d.overrideBy ? "break glass" : null,
      not_before: null,
      waiting_for: null,
      created_at: d.created,
      updated_at: d.finished ?? d.created,
      started_at: d.created,
      finished_at: d.finished,
    })
    .execute();
  const verify = d.verify ?? ["done", "done"];
  for (const [i, state] of verify.entries()) {
    await db.insertInto("steps").values({ deployment_id: id, idx: i, kind: "verify", params_json: "{}", state, result_json: null, started_at: null, finished_at: null }).execute();
  }
  return id;
}

export async function addApproval(db: Db, deploymentId: string, at: number): Promise<void> {
  await db.insertInto("approvals").values({ id: nextId("P"), deployment_id: deploymentId, digest: "x", by: "carol", role: "approver", decision: "approve", comment: null, at }).execute();
}

export async function addIncident(db: Db, i: { service: string | null; started: number; resolved: number | null; links?: string[] }): Promise<string> {
  const id = nextId("I");
  await db
    .insertInto("incidents")
    .values({ id, title: "down", summary: null, severity: "sev2", status: i.resolved === null ? "open" : "resolved", service: i.service, environment: null, source: "manual", external_id: id, url: null, started_at: i.started, resolved_at: i.resolved, opened_by: "dave", resolved_by: null, created_at: i.started, updated_at: i.resolved ?? i.started })
    .execute();
  for (const deploymentId of i.links ?? []) await db.insertInto("incident_deployments").values({ incident_id: id, deployment_id: deploymentId, linked_by: "dave", linked_at: i.started }).execute();
  return id;
}

export async function addPipelineRun(db: Db, r: { service: string; status: string; finished: number; digest?: string; triagedAt?: number }): Promise<void> {
  const id = nextId("R");
  await db
    .insertInto("pipeline_runs")
    .values({ id, source: "api", external_id: id, service: r.service, pipeline: "build", repository: null, commit_sha: null, branch: null, status: r.status, actor: null, url: null, stages_json: "[]", log: null, log_bytes: null, triage_json: r.triagedAt ? "{}" : null, artifact_digest: r.digest ?? null, started_at: r.finished - HOUR, finished_at: r.finished, created_at: r.finished - HOUR, updated_at: r.triagedAt ?? r.finished })
    .execute();
}

export async function addProvenance(db: Db, artifactId: string): Promise<void> {
  const { digest } = await db.selectFrom("artifacts").select("digest").where("id", "=", artifactId).executeTakeFirstOrThrow();
  await db.insertInto("artifact_attachments").values({ id: nextId("T"), digest, kind: "provenance", format: "in-toto", doc_digest: `doc-${digest}`, document: "{}", summary_json: "{}", uploaded_by: "ci", created_at: D0 }).execute();
}

export async function digestOf(db: Db, artifactId: string): Promise<string> {
  return (await db.selectFrom("artifacts").select("digest").where("id", "=", artifactId).executeTakeFirstOrThrow()).digest;
}
