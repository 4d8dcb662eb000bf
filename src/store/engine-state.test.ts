import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DeploymentState } from "../core/index.js";
import {
  claimRunnableDeployments,
  holdsLease,
  getDeployment,
  insertDeployment,
  insertEnvironment,
  insertPlan,
  insertReplica,
  isLeased,
  listActiveReplicas,
  listLiveReplicasOfDeployment,
  listRunningReplicas,
  listSteps,
  markReplicasRunning,
  markRunningStepFailed,
  markStepDone,
  markStepRunning,
  noteRunningStep,
  runningStepNote,
  getEnvironment,
  releaseAllLeases,
  releaseEnvLock,
  releaseLease,
  renewLeases,
  runningStepIdx,
  setCurrentVersion,
  setReplicaState,
  setRouteWeights,
  takeEnvLock,
  olderDeploymentReady,
  tieToNode,
  updateDeploymentState,
  weightsOf,
  type DeploymentsTable,
  type ReplicasTable,
} from "./index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "./testing.js";

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
let seq = 0;

function deploymentRow(overrides: Partial<DeploymentsTable> = {}): DeploymentsTable {
  const id = `01JTEST${String(++seq).padStart(19, "0")}`;
  return {
    id, service: "hello", environment: "dev", kind: "deploy", artifact_id: "a1", version: "1.0.0", digest: "d".repeat(64),
    state: "queued", strategy: "rolling", actor: "ci", reason: null, previous_version: null, previous_digest: null,
    previous_deployment_id: null, previous_replicas: null, previous_weights_json: null, node: null,
    env_config_json: "{}", error: null, error_hint: null, cancel_requested: 0, lease_owner: null, lease_token: null, lease_until: null,
    override_by: null, override_reason: null, not_before: null, waiting_for: null,
    created_at: T0, updated_at: T0, started_at: null, finished_at: null, ...overrides,
  };
}

function replicaRow(deploymentId: string, overrides: Partial<ReplicasTable> = {}): ReplicasTable {
  return {
    id: `r${++seq}`, service: "hello", environment: "dev", version: "1.0.0", digest: "d".repeat(64), deployment_id: deploymentId,
    pid: null, driver: "process", host: "127.0.0.1", port: 40_000 + seq, target_json: null, state: "starting", log_path: "/tmp/x.log",
    started_at: T0, stopped_at: null, ...overrides,
  };
}

for (const dialect of TEST_DIALECTS) {
  describe(`engine state operations on ${dialect}`, () => {
    let t: TestStore;
    before(async () => (t = await freshStore(dialect)));
    after(async () => t.cleanup());
    const db = () => t.store.db;
    const claim = (owner: string, now: number, limit = 20, node = "node-1", token = `${owner}-${now}`) => claimRunnableDeployments(db(), t.store.dialect, { owner, token, node, now, leaseMs: 5_000, limit });

    test("of two instances racing to claim the same work, each deployment goes to exactly one", async () => {
      const rows = Array.from({ length: 6 }, () => deploymentRow());
      for (const r of rows) await insertDeployment(db(), r);
      const [a, b] = await Promise.all([claim("A", T0), claim("B", T0)]);
      const all = [...a, ...b].sort();
      assert.deepEqual(all, rows.map((r) => r.id).sort(), "every runnable deployment is claimed once");
      assert.equal(new Set(all).size, all.length, "no deployment is claimed twice");
      await releaseAllLeases(db(), t.store.dialect, "A");
      await releaseAllLeases(db(), t.store.dialect, "B");
      for (const r of rows) await updateDeploymentState(db(), r.id, "queued", "cancelled", { at: T0 });
    });

    test("a held lease keeps others out until it expires; renewals keep it; a lost lease is not renewed", async () => {
      const row = deploymentRow();
      await insertDeployment(db(), row);
      assert.deepEqual(await claim("A", T0), [row.id]);
      assert.deepEqual(await claim("B", T0 + 1_000), [], "leased: B cannot take it");
      assert.ok(await isLeased(db(), row.id, T0 + 1_000));
      assert.deepEqual([...(await renewLeases(db(), t.store.dialect, "A", [row.id], T0 + 9_000))], [row.id]);
      assert.deepEqual(await claim("B", T0 + 6_000), [], "the renewal moved the lease on");
      assert.deepEqual(await claim("B", T0 + 9_001), [row.id], "after expiry another instance takes over");
      assert.equal((await renewLeases(db(), t.store.dialect, "A", [row.id], T0 + 20_000)).size, 0, "A lost it and learns so");
      await releaseLease(db(), "A", row.id);
      assert.ok(await isLeased(db(), row.id, T0 + 9_500), "A's release does not free B's lease");
      await releaseLease(db(), "B", row.id);
      assert.equal(await isLeased(db(), row.id, T0 + 9_500), false);
      await updateDeploymentState(db(), row.id, "queued", "cancelled", { at: T0 });
    });

    test("the fence goes by the claim, not the owner: a run from an earlier claim of the same instance is fenced out", async () => {
      const row = deploymentRow();
      await insertDeployment(db(), row);
      assert.deepEqual(await claim("A", T0, 20, "node-1", "first"), [row.id]);
      assert.ok(await holdsLease(db(), t.store.dialect, row.id, { owner: "A", token: "first" }));
      assert.deepEqual(await claim("B", T0 + 6_000, 20, "node-1", "b"), [row.id], "A was too slow: B took over");
      assert.deepEqual(await claim("A", T0 + 12_000, 20, "node-1", "second"), [row.id], "B was too slow too: A claims it again");
      assert.equal(await holdsLease(db(), t.store.dialect, row.id, { owner: "A", token: "first" }), false, "A's first run may not write any more");
      assert.equal(await holdsLease(db(), t.store.dialect, row.id, { owner: "B", token: "b" }), false);
      assert.ok(await holdsLease(db(), t.store.dialect, row.id, { owner: "A", token: "second" }));
      await releaseLease(db(), "A", row.id);
      await updateDeploymentState(db(), row.id, "queued", "cancelled", { at: T0 });
    });

    test("terminal and held-back deployments are never claimed", async () => {
      const done = deploymentRow({ state: "succeeded" });
      const later = deploymentRow({ not_before: T0 + 60_000 });
      await insertDeployment(db(), done);
      await insertDeployment(db(), later);
      assert.deepEqual(await claim("A", T0), []);
      assert.deepEqual(await claim("A", T0 + 60_000), [later.id], "claimable once not_before has passed");
      await updateDeploymentState(db(), later.id, "queued", "cancelled", { at: T0 });
    });

    test("a deployment tied to a node is claimed only by that node's instances; tying follows the environment", async () => {
      await insertEnvironment(db(), "hello", "tied", 45_100);
      const first = deploymentRow({ environment: "tied" });
      const second = deploymentRow({ environment: "tied" });
      await insertDeployment(db(), first);
      await insertDeployment(db(), second);
      assert.equal(await tieToNode(db(), first.id, "hello", "tied", "node-2"), "node-2");
      assert.equal(await tieToNode(db(), second.id, "hello", "tied", "node-1"), "node-2", "the environment is node-2's already");
      assert.deepEqual(await claim("A", T0, 20, "node-1"), []);
      assert.deepEqual(await claim("B", T0, 20, "node-2"), [first.id, second.id].sort());
      for (const r of [first, second]) await updateDeploymentState(db(), r.id, "queued", "cancelled", { at: T0 });
    });

    test("a state change happens only from the state the caller saw; terminal states record the finish and free the lease", async () => {
      const row = deploymentRow();
      await insertDeployment(db(), row);
      await claim("A", T0);
      assert.ok(await updateDeploymentState(db(), row.id, "queued", "running", { at: T0 + 1, startedAt: T0 + 1 }));
      assert.equal(await updateDeploymentState(db(), row.id, "queued", "cancelled", { at: T0 + 2 }), false, "it is no longer queued");
      assert.ok(await updateDeploymentState(db(), row.id, "running", "failed" as DeploymentState, { at: T0 + 3, error: { message: "boom", hint: "look" } }));
      const d = await getDeployment(db(), row.id);
      assert.equal(d.state, "failed");
      assert.equal(d.startedAt, T0 + 1);
      assert.equal(d.finishedAt, T0 + 3);
      assert.equal(d.error, "boom");
      assert.equal(await isLeased(db(), row.id, T0 + 4), false);
    });

    test("one deployment per environment holds the lock; a lock left by an ended deployment is taken over", async () => {
      const first = deploymentRow({ environment: "lock-env" });
      const second = deploymentRow({ environment: "lock-env" });
      await insertDeployment(db(), first);
      await insertDeployment(db(), second);
      const lock = (id: string) => takeEnvLock(db(), { service: "hello", environment: "lock-env", deploymentId: id, now: T0 });
      assert.ok(await lock(first.id));
      assert.ok(await lock(first.id), "taking it again is a no-op");
      assert.equal(await lock(second.id), false);
      await updateDeploymentState(db(), first.id, "queued", "cancelled", { at: T0 });
      assert.ok(await lock(second.id), "the holder ended without freeing it: taken over");
      await releaseEnvLock(db(), second.id);
      assert.ok(await lock(first.id), "free again after release");
    });

    test("the environment lock goes in creation order: an older deployment ready to start goes first", async () => {
      const older = deploymentRow({ environment: "fifo" });
      const newer = deploymentRow({ environment: "fifo" });
      const held = deploymentRow({ environment: "fifo-held", not_before: T0 + 60_000 });
      const newerThanHeld = deploymentRow({ environment: "fifo-held" });
      for (const r of [older, newer, held, newerThanHeld]) await insertDeployment(db(), r);
      const req = (r: DeploymentsTable) => ({ service: "hello", environment: r.environment, deploymentId: r.id, now: T0 });
      assert.equal(await olderDeploymentReady(db(), req(older)), false);
      assert.equal(await olderDeploymentReady(db(), req(newer)), true, "the older one is ready: it goes first");
      assert.equal(await olderDeploymentReady(db(), req(newerThanHeld)), false, "an older one held back by a gate does not block");
      await updateDeploymentState(db(), older.id, "queued", "running", { at: T0 });
      assert.equal(await olderDeploymentReady(db(), req(newer)), false, "once it started, the lock decides");
      for (const r of [newer, held, newerThanHeld]) await updateDeploymentState(db(), r.id, "queued", "cancelled", { at: T0 });
      await updateDeploymentState(db(), older.id, "running", "cancelled", { at: T0 });
    });

    test("a plan's steps are marked running, done and failed, with their results", async () => {
      const row = deploymentRow();
      await insertDeployment(db(), row);
      await insertPlan(db(), row.id, [{ kind: "start", count: 2 }, { kind: "wait_ready" }, { kind: "finalize" }]);
      await markStepRunning(db(), row.id, 0, T0);
      assert.equal(await runningStepIdx(db(), row.id), 0);
      await markStepDone(db(), row.id, 0, { replicas: 2 }, T0 + 5);
      await markStepRunning(db(), row.id, 1, T0 + 6);
      await markRunningStepFailed(db(), row.id, { error: "never ready", details: { tail: "x" } }, T0 + 9);
      const steps = await listSteps(db(), row.id);
      assert.deepEqual(steps.map((s) => s.state), ["done", "failed", "pending"]);
      assert.deepEqual(steps[0]!.result, { replicas: 2 });
      assert.deepEqual(steps[1]!.result, { error: "never ready", details: { tail: "x" } });
      assert.equal(await runningStepIdx(db(), row.id), -1);
    });

    test("the step in flight carries a note (what it runs) until it ends", async () => {
      const row = deploymentRow();
      await insertDeployment(db(), row);
      await insertPlan(db(), row.id, [{ kind: "script", command: "deploy" }, { kind: "finalize" }]);
      assert.equal(await runningStepNote(db(), row.id), null, "no step in flight");
      await noteRunningStep(db(), row.id, { script: { pid: 1 } });
      assert.equal(await runningStepNote(db(), row.id), null, "a pending step takes no note");
      await markStepRunning(db(), row.id, 0, T0);
      await noteRunningStep(db(), row.id, { script: { pid: 42, runId: "r1" } });
      assert.deepEqual(await runningStepNote(db(), row.id), { script: { pid: 42, runId: "r1" } });
      await markStepDone(db(), row.id, 0, { outcome: "ok" }, T0 + 1);
      assert.equal(await runningStepNote(db(), row.id), null);
      assert.deepEqual((await listSteps(db(), row.id))[0]!.result, { outcome: "ok" }, "the result replaces the note");
    });

    test("route weights and the current version are recorded per environment", async () => {
      assert.ok(await insertEnvironment(db(), "hello", "weights", 45_001));
      assert.equal(await insertEnvironment(db(), "hello", "weights", 45_002), false, "exists already");
      await setRouteWeights(db(), "hello", "weights", [{ version: "1.0.0", weight: 90 }, { version: "1.1.0", weight: 10 }]);
      assert.deepEqual(weightsOf((await getEnvironment(db(), "hello", "weights"))!), [{ version: "1.0.0", weight: 90 }, { version: "1.1.0", weight: 10 }]);
      await setCurrentVersion(db(), "hello", "weights", { version: "1.1.0", digest: "e".repeat(64), deploymentId: "d1", since: T0 });
      const env = (await getEnvironment(db(), "hello", "weights"))!;
      assert.equal(env.current_version, "1.1.0");
      assert.equal(env.port, 45_001);
      assert.deepEqual(weightsOf(env), [{ version: "1.1.0", weight: 100 }]);
    });

    test("replicas move starting → running → stopping → stopped, and each listing sees the right ones", async () => {
      const row = deploymentRow({ environment: "replicas-env" });
      await insertDeployment(db(), row);
      const a = replicaRow(row.id, { environment: "replicas-env" });
      const b = replicaRow(row.id, { environment: "replicas-env", host: "10.0.0.2", driver: "process" });
      await insertReplica(db(), a);
      await insertReplica(db(), b);
      assert.equal((await listLiveReplicasOfDeployment(db(), row.id, "1.0.0")).length, 2);
      assert.equal((await listRunningReplicas(db(), "hello", "replicas-env")).length, 0);
      await markReplicasRunning(db(), [a.id, b.id]);
      const running = await listRunningReplicas(db(), "hello", "replicas-env");
      assert.deepEqual(running.map((r) => r.host).sort(), ["10.0.0.2", "127.0.0.1"]);
      await setReplicaState(db(), [a.id], "stopping");
      await markReplicasRunning(db(), [a.id]);
      assert.equal((await listRunningReplicas(db(), "hello", "replicas-env")).length, 1, "a stopping replica is not made running again");
      await setReplicaState(db(), [a.id], "stopped", T0 + 10);
      const active = await listActiveReplicas(db(), "hello", "replicas-env");
      assert.deepEqual(active.map((r) => r.id), [b.id]);
      assert.equal((await listRunningReplicas(db(), "hello", "replicas-env", { notDeployment: row.id })).length, 0);
    });
  });
}
