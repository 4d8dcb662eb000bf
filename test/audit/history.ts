/**
 * A recorded history written the way the engine and the API write it (rows plus audit events
 * through appendAuditEvent), with the gate, approval and override events the governance work
 * adds, interleaved with another service's events, on a manual clock.
 */
import { appendAuditEvent } from "../../src/audit/index.js";
import { newId, type ManualClock } from "../../src/core/index.js";
import type { Store } from "../../src/store/index.js";

export interface SeedDeployment {
  service: string;
  environment: string;
  version: string;
  kind?: "deploy" | "rollback";
  actor?: string;
  reason?: string | null;
  previous?: string | null;
  /** Final state; "running" leaves it in flight. */
  end?: "succeeded" | "rolled_back" | "running";
  /** Record a gate decision, an approval and an override for it. */
  governed?: boolean;
  /** Called after each of its events: write other services' events in between. */
  interleave?: () => Promise<void>;
}

const MIN = 60_000;

export async function ensureArtifact(store: Store, clock: ManualClock, service: string, version: string): Promise<{ id: string; digest: string }> {
  const existing = await store.db.selectFrom("artifacts").select(["id", "digest"]).where("service", "=", service).where("version", "=", version).executeTakeFirst();
  if (existing) return existing;
  const id = newId();
  const digest = Buffer.from(`${service}@${version}`).toString("hex").padEnd(64, "0").slice(0, 64);
  await store.db.insertInto("artifacts").values({ id, service, version, digest, commit_sha: "a1b2c3d4e5f6", author: "carol@example.com", size_bytes: 1234, created_at: clock.now() }).execute();
  await appendAuditEvent(store.db, store.dialect, { actor: "ci", action: "artifact.pushed", subject: `artifact/${service}/${version}`, payload: { digest, commit: "a1b2c3d4e5f6", author: "carol@example.com", sizeBytes: 1234 } }, clock);
  return { id, digest };
}

export async function applyService(store: Store, clock: ManualClock, service: string, environments: string[], actor = "alice"): Promise<void> {
  const existing = await store.db.selectFrom("services").select("name").where("name", "=", service).executeTakeFirst();
  const now = clock.now();
  if (existing) await store.db.updateTable("services").set({ updated_at: now }).where("name", "=", service).execute();
  else await store.db.insertInto("services").values({ name: service, owner: "team", config_json: "{}", config_yaml: "", created_at: now, updated_at: now }).execute();
  await appendAuditEvent(store.db, store.dialect, { actor, action: existing ? "service.updated" : "service.created", subject: `service/${service}`, payload: { file: "slipway.yaml", environments } }, clock);
}

/** Writes one deployment from creation to its end, advancing the clock a minute per event. */
export async function seedDeployment(store: Store, clock: ManualClock, s: SeedDeployment): Promise<string> {
  const artifact = await ensureArtifact(store, clock, s.service, s.version);
  const id = newId();
  const subject = `deployment/${id}`;
  const actor = s.actor ?? "alice";
  const kind = s.kind ?? "deploy";
  const reason = s.reason === undefined ? `ship ${s.version}` : s.reason;
  const base = { service: s.service, environment: s.environment, version: s.version };
  const ev = async (action: string, payload: unknown, who = "slipway", about = subject) => {
    clock.advance(MIN);
    await appendAuditEvent(store.db, store.dialect, { actor: who, action, subject: about, payload }, clock);
    await s.interleave?.();
  };
  const createdAt = clock.now();
  await store.db
    .insertInto("deployments")
    .values({
      id, service: s.service, environment: s.environment, kind, artifact_id: artifact.id, version: s.version, digest: artifact.digest,
      state: "queued", strategy: "blue-green", actor, reason, previous_version: null, previous_digest: null, env_config_json: "{}",
      error: null, error_hint: null, cancel_requested: 0, lease_owner: null, lease_until: null, lease_token: null,
      created_at: createdAt, updated_at: createdAt, started_at: null, finished_at: null,
    })
    .execute();
  await appendAuditEvent(store.db, store.dialect, { actor, action: "deployment.created", subject, payload: { ...base, digest: artifact.digest, kind, reason } }, clock);
  await s.interleave?.();
  if (s.governed) {
    // The shapes the engine records (src/engine/admission.ts, approvals.ts, create.ts).
    const windowGate = { gate: "window", passed: true, outcome: "pass", facts: "outside Mon-Thu 09:00-16:00 Europe/Berlin", overridden: true };
    await ev("deployment.override", { gates: ["window", "freeze"], reason: "hotfix for INC-42" }, "admin");
    await ev("gate.evaluated", { verdict: "wait", waitingFor: "approval", recheckAt: null, gates: [{ gate: "approvals", passed: false, outcome: "wait", facts: "0 of 1", remedy: "needs a user with role approver" }, windowGate] });
    await ev("approval.recorded", { decision: "approve", role: "approver", digest: artifact.digest, comment: "looks good" }, "bob");
    await ev("gate.evaluated", { verdict: "pass", gates: [{ gate: "approvals", passed: true, outcome: "pass", facts: "1 of 1 (bob)" }, windowGate] });
    // A legacy/third-party shape: one gate per event, linked by payload.deploymentId.
    await ev("gate.checked", { deploymentId: id, name: "signature", passed: true, reason: "signed by release-key" }, "slipway", "policy/signature");
  }
  const plan = [{ kind: "start", count: 1 }, { kind: "wait_ready" }, { kind: "finalize" }];
  await store.db
    .insertInto("steps")
    .values(plan.map((params, idx) => ({ deployment_id: id, idx, kind: params.kind, params_json: JSON.stringify(params), state: "pending", result_json: null, started_at: null, finished_at: null })))
    .execute();
  const previous = s.previous ?? null;
  const startedAt = clock.now() + MIN;
  await store.db.updateTable("deployments").set({ state: "running", started_at: startedAt, previous_version: previous }).where("id", "=", id).execute();
  await ev("deployment.running", { from: "queued", to: "running", ...base, plan, previous });
  if (s.end === "running") return id;
  const done = s.end === "rolled_back" ? 1 : plan.length;
  for (let idx = 0; idx < done; idx++) {
    await store.db.updateTable("steps").set({ state: "done", result_json: JSON.stringify({ ok: true, idx }), started_at: clock.now(), finished_at: clock.now() + MIN }).where("deployment_id", "=", id).where("idx", "=", idx).execute();
    await ev("step.done", { idx, ...plan[idx] });
  }
  await store.db.insertInto("decisions").values({ id: newId(), deployment_id: id, step_idx: 1, check_name: "error-rate", verdict: s.end === "rolled_back" ? "fail" : "pass", detail_json: JSON.stringify({ reason: "error rate 0.2% <= 5%", numbers: { canary: 0.002, max: 0.05, requests: 412 } }), at: clock.now() }).execute();
  if (s.end === "rolled_back") {
    await store.db.updateTable("steps").set({ state: "failed" }).where("deployment_id", "=", id).where("idx", "=", 1).execute();
    await ev("deployment.rolling_back", { from: "running", to: "rolling_back", ...base, error: "readiness failed" });
    await ev("deployment.rolled_back", { from: "rolling_back", to: "rolled_back", ...base });
  } else {
    await ev("deployment.succeeded", { from: "running", to: "succeeded", ...base });
  }
  const end = s.end === "rolled_back" ? "rolled_back" : "succeeded";
  await store.db.updateTable("deployments").set({ state: end, finished_at: clock.now(), updated_at: clock.now(), ...(end === "rolled_back" ? { error: "readiness failed" } : {}) }).where("id", "=", id).execute();
  return id;
}

/** Events of an unrelated service, to interleave with the deployment under test. */
export async function noise(store: Store, clock: ManualClock, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock.advance(1000);
    await appendAuditEvent(store.db, store.dialect, { actor: "slipway", action: "traffic.shifted", subject: `deployment/OTHER${i % 3}`, payload: { weights: [{ version: `9.${i}`, weight: 100 }] } }, clock);
  }
}
