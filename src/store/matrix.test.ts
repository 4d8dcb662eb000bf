import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { insertDeployment, insertEnvironment, matrixPage, setCurrentVersion, type DeploymentsTable } from "./index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "./testing.js";

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
let seq = 0;

function deployment(service: string, environment: string, version: string, state: string, at: number, waitingFor: string | null = null): DeploymentsTable {
  const id = `01JMATRIX${String(++seq).padStart(17, "0")}`;
  return {
    id, service, environment, kind: "deploy", artifact_id: "a1", version, digest: "d".repeat(64), state, strategy: "rolling", actor: "ci", reason: null,
    previous_version: null, previous_digest: null, previous_deployment_id: null, previous_replicas: null, previous_weights_json: null, node: null,
    env_config_json: "{}", error: null, error_hint: null, cancel_requested: 0, lease_owner: null, lease_until: null, lease_token: null, override_by: null, override_reason: null,
    not_before: null, waiting_for: waitingFor, created_at: at, updated_at: at, started_at: null, finished_at: null,
  };
}

for (const dialect of TEST_DIALECTS) {
  describe(`environments matrix on ${dialect}`, () => {
    let t: TestStore;
    const db = () => t.store.db;
    before(async () => {
      t = await freshStore(dialect);
      // 30 services of three teams; each deployed to dev, the payments ones to prod too.
      for (let i = 0; i < 30; i++) {
        const team = ["payments", "search", "identity"][i % 3]!;
        const name = `${team}-svc-${String(i).padStart(2, "0")}`;
        await db().insertInto("services").values({ name, owner: `team-${team}`, config_json: "{}", config_yaml: "", created_at: T0, updated_at: T0 }).execute();
        const envs = team === "payments" ? ["dev", "prod"] : ["dev"];
        for (const env of envs) {
          await insertEnvironment(db(), name, env, 41_000 + i * 2 + envs.indexOf(env));
          const done = deployment(name, env, "1.0.0", "succeeded", T0 + i);
          await insertDeployment(db(), done);
          await setCurrentVersion(db(), name, env, { version: "1.0.0", digest: done.digest, deploymentId: done.id, since: T0 + i });
        }
      }
      await insertDeployment(db(), deployment("payments-svc-03", "prod", "1.1.0", "awaiting_approval", T0 + 100));
      await insertDeployment(db(), deployment("search-svc-04", "dev", "1.1.0", "rolled_back", T0 + 100));
      await insertDeployment(db(), deployment("identity-svc-05", "dev", "1.1.0", "queued", T0 + 100, "the change window opens at 09:00"));
    });
    after(async () => t.cleanup());

    test("pages by name and counts every match", async () => {
      const first = await matrixPage(db(), { offset: 0, limit: 12 });
      assert.equal(first.total, 30);
      assert.equal(first.rows.length, 12);
      assert.deepEqual([...first.environments].sort(), ["dev", "prod"]);
      const third = await matrixPage(db(), { offset: 24, limit: 12 });
      assert.equal(third.rows.length, 6);
      const names = [...first.rows, ...third.rows].map((r) => r.service);
      assert.deepEqual(names, [...names].sort());
    });

    test("search matches a part of the name or the team, case-insensitively; a wildcard character is literal", async () => {
      assert.equal((await matrixPage(db(), { search: "SVC-1", offset: 0, limit: 50 })).total, 10);
      assert.equal((await matrixPage(db(), { search: "team-search", offset: 0, limit: 50 })).total, 10);
      assert.equal((await matrixPage(db(), { search: "%", offset: 0, limit: 50 })).total, 0);
      assert.equal((await matrixPage(db(), { search: "svc_0", offset: 0, limit: 50 })).total, 0);
    });

    test("team, environment and state filters combine", async () => {
      assert.equal((await matrixPage(db(), { team: "team-payments", offset: 0, limit: 50 })).total, 10);
      const prod = await matrixPage(db(), { environment: "prod", offset: 0, limit: 50 });
      assert.equal(prod.total, 10);
      assert.deepEqual(prod.environments, ["prod"]);
      assert.ok(prod.rows.every((r) => Object.keys(r.cells).join() === "prod"));
      const waiting = await matrixPage(db(), { state: "awaiting_approval", offset: 0, limit: 50 });
      assert.deepEqual(waiting.rows.map((r) => r.service), ["payments-svc-03"]);
      const attention = await matrixPage(db(), { state: "attention", offset: 0, limit: 50 });
      assert.deepEqual(attention.rows.map((r) => r.service), ["identity-svc-05", "payments-svc-03"]);
      assert.equal((await matrixPage(db(), { state: "awaiting_approval", environment: "dev", offset: 0, limit: 50 })).total, 0);
    });

    test("a cell has what runs, what waits and the last deployment", async () => {
      const page = await matrixPage(db(), { search: "svc-0", offset: 0, limit: 50 });
      const cell = (s: string, e: string) => page.rows.find((r) => r.service === s)!.cells[e]!;
      assert.equal(cell("payments-svc-03", "prod").version, "1.0.0");
      assert.deepEqual(cell("payments-svc-03", "prod").pending, { id: cell("payments-svc-03", "prod").pending!.id, version: "1.1.0", state: "awaiting_approval", waitingFor: null });
      assert.equal(cell("search-svc-04", "dev").last?.state, "rolled_back");
      assert.equal(cell("search-svc-04", "dev").pending, null);
      assert.equal(cell("identity-svc-05", "dev").pending?.waitingFor, "the change window opens at 09:00");
      assert.equal(cell("payments-svc-00", "dev").last?.state, "succeeded");
      assert.equal(page.rows.find((r) => r.service === "search-svc-01")!.cells.prod, undefined);
    });

    test("a token scoped to one service sees only it", async () => {
      const page = await matrixPage(db(), { onlyService: "search-svc-01", offset: 0, limit: 50 });
      assert.deepEqual(page.rows.map((r) => r.service), ["search-svc-01"]);
      assert.equal(page.total, 1);
    });
  });
}
