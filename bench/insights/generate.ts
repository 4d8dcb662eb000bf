/**
 * A synthetic delivery history for the insights benchmark: services with staging and prod,
 * one artifact per release (each with its own commit and a few more), a staging and a prod
 * deployment per release (some rolled back, failed, cancelled, hotfixes, rollbacks, break-glass),
 * verify steps, approvals, pipeline runs and incidents linked to prod deployments. Deterministic.
 */

export interface GenerateOptions {
  deployments: number;
  services: number;
  years: number;
  incidents: number;
  commits: number;
  /** The end of the history (UTC ms). */
  now: number;
}

export type Row = (string | number | null)[];

export interface Table {
  name: string;
  columns: readonly string[];
  /** "text" or "bigint" per column (PostgreSQL array types). */
  types: readonly ("text" | "bigint")[];
}

const T = (name: string, spec: Record<string, "text" | "bigint">): Table => ({ name, columns: Object.keys(spec), types: Object.values(spec) });

export const TABLES = {
  services: T("services", { name: "text", owner: "text", config_json: "text", config_yaml: "text", created_at: "bigint", updated_at: "bigint" }),
  artifacts: T("artifacts", { id: "text", service: "text", version: "text", digest: "text", commit_sha: "text", size_bytes: "bigint", created_at: "bigint" }),
  commits: T("artifact_commits", { artifact_id: "text", service: "text", sha: "text", committed_at: "bigint" }),
  deployments: T("deployments", {
    id: "text", service: "text", environment: "text", kind: "text", artifact_id: "text", version: "text", digest: "text", state: "text", strategy: "text", actor: "text", reason: "text",
    override_by: "text", env_config_json: "text", cancel_requested: "bigint", created_at: "bigint", updated_at: "bigint", started_at: "bigint", finished_at: "bigint",
  }),
  steps: T("steps", { deployment_id: "text", idx: "bigint", kind: "text", params_json: "text", state: "text" }),
  approvals: T("approvals", { id: "text", deployment_id: "text", digest: "text", by: "text", role: "text", decision: "text", at: "bigint" }),
  runs: T("pipeline_runs", { id: "text", source: "text", external_id: "text", service: "text", pipeline: "text", status: "text", stages_json: "text", triage_json: "text", artifact_digest: "text", finished_at: "bigint", created_at: "bigint", updated_at: "bigint" }),
  incidents: T("incidents", { id: "text", title: "text", severity: "text", status: "text", service: "text", source: "text", external_id: "text", started_at: "bigint", resolved_at: "bigint", opened_by: "text", created_at: "bigint", updated_at: "bigint" }),
  links: T("incident_deployments", { incident_id: "text", deployment_id: "text", linked_by: "text", linked_at: "bigint" }),
} as const;

export type TableName = keyof typeof TABLES;

/** A small fast PRNG (mulberry32): the same history every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const CONFIG = JSON.stringify({ service: "x", owner: "team", environments: { staging: {}, prod: { requires: { approvals: { count: 1 } } } } });

/** Calls `emit` with rows service by service, and waits for `afterService` between services (memory stays small). */
export async function generate(o: GenerateOptions, emit: (table: TableName, row: Row) => void, afterService: () => Promise<void>): Promise<void> {
  const random = rng(42);
  const span = o.years * 365 * 24 * HOUR;
  // Everything (prod deploys up to 2 days after a release, incidents hours after) is over before `now`.
  const start = o.now - 4 * 24 * HOUR - span;
  const perService = Math.floor(o.deployments / o.services);
  const releases = Math.floor(perService / 2);
  const commitsPerRelease = Math.max(1, Math.round(o.commits / (o.services * releases)));
  const incidentsPerService = Math.floor(o.incidents / o.services);
  let seq = 0;
  const id = (p: string) => `${p}${(++seq).toString(36).padStart(9, "0")}`;
  for (let s = 0; s < o.services; s++) {
    const service = `svc-${s}`;
    emit("services", [service, "team", CONFIG.replace('"x"', JSON.stringify(service)), "", start, start]);
    const prodDeployments: { id: string; at: number }[] = [];
    let previous: { id: string; version: string; digest: string } | null = null;
    for (let k = 0; k < releases; k++) {
      const at = start + Math.floor(((k + random()) * span) / releases);
      const artifactId = id("A");
      const version = `1.${k}`;
      const digest = `d${artifactId}`;
      const sha = `${s.toString(16)}${k.toString(16).padStart(6, "0")}0`;
      emit("artifacts", [artifactId, service, version, digest, sha, 1000, at]);
      for (let c = 0; c < commitsPerRelease; c++) {
        emit("commits", [artifactId, service, c === 0 ? sha : `${sha}${c}`, at - Math.floor((1 + random() * random() * 96) * HOUR)]);
      }
      const failedBuild = random() < 0.1;
      emit("runs", [id("R"), "api", `run-${artifactId}`, service, "build", failedBuild ? "failed" : "succeeded", "[]", failedBuild ? "{}" : null, failedBuild ? null : digest, at - 5 * MIN, at - 20 * MIN, failedBuild ? at - 5 * MIN + Math.floor(random() * 30 * MIN) : at - 5 * MIN]);
      const stagingId = id("D");
      emit("deployments", [stagingId, service, "staging", "deploy", artifactId, version, digest, "succeeded", "rolling", "ci", null, null, "{}", 0, at + 10 * MIN, at + 20 * MIN, at + 10 * MIN, at + 20 * MIN]);
      emit("steps", [stagingId, 0, "verify", "{}", "done"]);
      // Prod: mostly the new release; now and then a rollback to the previous one.
      const created = at + Math.floor((2 + random() * 46) * HOUR);
      const finished = created + Math.floor((10 + random() * 30) * MIN);
      const roll = random();
      const asRollback = previous !== null && roll < 0.03;
      const state = roll < 0.03 ? "succeeded" : roll < 0.11 ? "rolled_back" : roll < 0.13 ? "failed" : roll < 0.15 ? "cancelled" : "succeeded";
      const target = asRollback ? previous! : { id: artifactId, version, digest };
      const prodId = id("D");
      const reason = random() < 0.02 ? "hotfix: payment bug" : null;
      const override = random() < 0.01 ? "oncall" : null;
      emit("deployments", [prodId, service, "prod", asRollback ? "rollback" : "deploy", target.id, target.version, target.digest, state, "canary", asRollback ? "alice" : "ci", reason, override, "{}", 0, created, finished, created, finished]);
      emit("steps", [prodId, 0, "verify", "{}", state === "succeeded" ? "done" : state === "cancelled" ? "pending" : "failed"]);
      if (random() < 0.95) emit("approvals", [id("P"), prodId, target.digest, "approver", "approver", "approve", created + Math.floor((5 + random() * 240) * MIN)]);
      prodDeployments.push({ id: prodId, at: finished });
      previous = { id: artifactId, version, digest };
    }
    for (let i = 0; i < incidentsPerService; i++) {
      const near = prodDeployments[Math.floor(random() * prodDeployments.length)]!;
      const started = near.at + Math.floor(random() * 2 * HOUR);
      const resolved = started + Math.floor((10 + random() * 480) * MIN);
      const incidentId = id("I");
      emit("incidents", [incidentId, "down", "sev2", "resolved", service, "manual", incidentId, started, resolved, "oncall", started, resolved]);
      if (random() < 0.5) emit("links", [incidentId, near.id, "oncall", started]);
    }
    await afterService();
  }
}
