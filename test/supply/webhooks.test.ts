/**
 * CI ingestion over real HTTP handling (in-process API, SQLite and PostgreSQL): GitHub
 * workflow_run / workflow_job deliveries signed with the repository's secret are stored as one
 * run; forged, unsigned, unknown-repository and replayed deliveries are refused with 401,
 * recorded, and store nothing; GitLab Pipeline Hooks with X-Gitlab-Token likewise; a failed run
 * is triaged as soon as its log arrives; the generic POST /pipeline-runs triages at once.
 */
import assert from "node:assert/strict";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { dumpTextValues, startHarness, type AccessHarness } from "../access/harness.js";

const GH_SECRET = "gh-hook-secret-9f8e7d6c";
const GL_SECRET = "gl-hook-token-1a2b3c4d";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const FAILED_LOG = ["$ npm test", "> app@1.0.0 test", "  1) checkout total", "     AssertionError [ERR_ASSERTION]: expected 41 to equal 42", "      at Context.<anonymous> (test/total.test.js:12:10)", "npm ERR! Test failed.  See above for more details.", ""].join("\n");

const workflowRun = (status: string, conclusion: string | null, runId = 900) => ({
  action: status === "completed" ? "completed" : "in_progress",
  repository: { full_name: "acme/shop", html_url: "https://github.com/acme/shop" },
  workflow_run: { id: runId, name: "CI", run_attempt: 1, head_branch: "main", head_sha: SHA, status, conclusion, html_url: `https://github.com/acme/shop/actions/runs/${runId}`, run_started_at: "2026-06-01T10:00:00Z", updated_at: "2026-06-01T10:04:30Z", actor: { login: "dev1" } },
});
const workflowJob = (name: string, conclusion: string, runId = 900) => ({
  action: "completed",
  repository: { full_name: "acme/shop", html_url: "https://github.com/acme/shop" },
  workflow_job: { id: 77, run_id: runId, run_attempt: 1, name, workflow_name: "CI", head_sha: SHA, head_branch: "main", status: "completed", conclusion, started_at: "2026-06-01T10:01:00Z", completed_at: "2026-06-01T10:03:00Z", html_url: "https://github.com/acme/shop/actions/runs/900/job/77" },
});

for (const dialect of TEST_DIALECTS) {
  describe(`CI webhooks and run ingestion (${dialect})`, () => {
    let h: AccessHarness;
    let admin: string;
    let deployer: string;

    const github = (event: string, payload: unknown, options: { secret?: string | null; delivery?: string } = {}) => {
      const body = JSON.stringify(payload);
      const secret = options.secret === undefined ? GH_SECRET : options.secret;
      return h.app.inject({
        method: "POST",
        url: "/api/v1/webhooks/github",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": options.delivery ?? randomUUID(),
          ...(secret === null ? {} : { "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` }),
        },
        payload: body,
      });
    };
    const runs = async () => (await h.store.db.selectFrom("pipeline_runs").selectAll().execute()).length;
    const refusals = async () => (await h.store.db.selectFrom("audit_events").select("payload_json").where("action", "=", "webhook.refused").execute()).map((r) => JSON.parse(r.payload_json) as { reason: string });

    before(async () => {
      h = await startHarness(dialect, { secretSource: { GH_SHOP_SECRET: GH_SECRET, GL_SHOP_TOKEN: GL_SECRET } });
      admin = await h.token("admin", "admin");
      deployer = await h.token("ci", "deployer");
      for (const [provider, repository, secret] of [["github", "acme/shop", "env:GH_SHOP_SECRET"], ["gitlab", "acme/shop", "env:GL_SHOP_TOKEN"]]) {
        const r = await h.app.inject({ method: "POST", url: "/api/v1/webhook-sources", headers: { authorization: `Bearer ${admin}` }, payload: { provider, repository, secret } });
        assert.equal(r.statusCode, 201, r.body);
      }
    });
    after(() => h?.close());

    test("a source takes a secret reference, never a secret", async () => {
      const r = await h.app.inject({ method: "POST", url: "/api/v1/webhook-sources", headers: { authorization: `Bearer ${admin}` }, payload: { provider: "github", repository: "acme/other", secret: GH_SECRET } });
      assert.equal(r.statusCode, 400);
      assert.match(r.json<{ error: { message: string } }>().error.message, /is not a reference/);
    });

    test("forged, unsigned, unknown-repository and replayed deliveries: 401, recorded, nothing stored", async () => {
      const before = await runs();
      const forged = await github("workflow_run", workflowRun("completed", "failure"), { secret: "not-the-secret" });
      assert.equal(forged.statusCode, 401, forged.body);
      assert.match(forged.json<{ error: { message: string } }>().error.message, /X-Hub-Signature-256 does not match the secret registered for acme\/shop/);
      assert.equal((await github("workflow_run", workflowRun("completed", "failure"), { secret: null })).statusCode, 401);
      const stranger = await github("workflow_run", { ...workflowRun("completed", "failure"), repository: { full_name: "evil/repo" } });
      assert.equal(stranger.statusCode, 401);
      assert.match(stranger.body, /no webhook secret is registered for github repository evil\/repo/);
      // A body changed after signing is forged too.
      const body = JSON.stringify(workflowRun("completed", "success"));
      const tampered = await h.app.inject({ method: "POST", url: "/api/v1/webhooks/github", headers: { "content-type": "application/json", "x-github-event": "workflow_run", "x-github-delivery": randomUUID(), "x-hub-signature-256": `sha256=${createHmac("sha256", GH_SECRET).update(body).digest("hex")}` }, payload: body.replace("success", "failure") });
      assert.equal(tampered.statusCode, 401);
      const junk = await h.app.inject({ method: "POST", url: "/api/v1/webhooks/github", headers: { "content-type": "application/json", "x-github-event": "workflow_run", "x-github-delivery": "d1" }, payload: "{nope" });
      assert.equal(junk.statusCode, 400);
      assert.equal(await runs(), before);
      assert.equal((await refusals()).length, 4);

      const delivery = randomUUID();
      assert.equal((await github("workflow_run", workflowRun("in_progress", null, 901), { delivery })).statusCode, 200);
      const replay = await github("workflow_run", workflowRun("completed", "success", 901), { delivery });
      assert.equal(replay.statusCode, 401);
      assert.match(replay.body, /was already received: a replay is refused/);
      const [run] = await h.store.db.selectFrom("pipeline_runs").selectAll().where("external_id", "=", "901-1").execute();
      assert.equal(run!.status, "running", "the replay changed nothing");
      // No secret value reached the database or the log.
      const leaks = (await dumpTextValues(h.store)).filter((v) => v.value.includes(GH_SECRET) || v.value.includes(GL_SECRET));
      assert.deepEqual(leaks, []);
      assert.ok(!h.logs.join("").includes(GH_SECRET));
    });

    test("workflow_run and workflow_job add up to one run; its failure is triaged once the log arrives", async () => {
      assert.equal((await github("workflow_job", workflowJob("test", "failure"))).statusCode, 200);
      const done = await github("workflow_run", workflowRun("completed", "failure"));
      assert.equal(done.statusCode, 200, done.body);
      const { run } = done.json<{ run: { id: string; status: string; stages: { name: string; status: string; durationMs: number }[]; commit: string; branch: string; pipeline: string; durationMs: number; triage: unknown } }>();
      assert.deepEqual([run.status, run.pipeline, run.commit, run.branch, run.durationMs], ["failed", "acme/shop/CI", SHA, "main", 270_000]);
      assert.deepEqual(run.stages.map((s) => [s.name, s.status, s.durationMs]), [["test", "failed", 120_000]]);
      assert.equal(run.triage, null, "no log yet");
      const junk = await h.app.inject({ method: "PUT", url: `/api/v1/pipeline-runs/${run.id}/log`, headers: { authorization: `Bearer ${deployer}`, "content-type": "text/plain" }, payload: randomBytes(20_000) });
      assert.equal(junk.statusCode, 400, junk.body);
      assert.match(junk.json<{ error: { message: string } }>().error.message, /the uploaded log is not a text log: it looks like binary data/);
      const stored = await h.app.inject({ method: "GET", url: `/api/v1/pipeline-runs/${run.id}/log`, headers: { authorization: `Bearer ${deployer}` } });
      assert.equal(stored.body, "", "a refused log is not stored");
      const log = await h.app.inject({ method: "PUT", url: `/api/v1/pipeline-runs/${run.id}/log`, headers: { authorization: `Bearer ${deployer}`, "content-type": "text/plain" }, payload: FAILED_LOG });
      assert.equal(log.statusCode, 200, log.body);
      const triage = log.json<{ run: { triage: { category: string; evidence: { text: string }[]; cluster: { occurrences: number } } } }>().run.triage;
      assert.equal(triage.category, "test");
      assert.ok(triage.evidence.some((e) => /expected 41 to equal 42/.test(e.text)), JSON.stringify(triage.evidence));
      assert.equal(triage.cluster.occurrences, 1);
    });

    test("GitLab Pipeline Hooks need the project's token; a good one is stored with its jobs", async () => {
      const hook = { object_kind: "pipeline", object_attributes: { id: 4242, ref: "main", sha: SHA, status: "success", created_at: "2026-06-01 10:00:00 UTC", finished_at: "2026-06-01 10:02:00 UTC", url: "https://gitlab.example/acme/shop/-/pipelines/4242" }, project: { path_with_namespace: "acme/shop", web_url: "https://gitlab.example/acme/shop" }, user: { username: "dev2" }, builds: [{ name: "unit", stage: "test", status: "success", started_at: "2026-06-01 10:00:10 UTC", finished_at: "2026-06-01 10:01:10 UTC", duration: 60 }] };
      const send = (token: string | undefined, uuid = randomUUID()) => h.app.inject({ method: "POST", url: "/api/v1/webhooks/gitlab", headers: { "content-type": "application/json", "x-gitlab-event": "Pipeline Hook", "x-gitlab-event-uuid": uuid, ...(token ? { "x-gitlab-token": token } : {}) }, payload: JSON.stringify(hook) });
      assert.equal((await send("wrong-token")).statusCode, 401);
      assert.equal((await send(undefined)).statusCode, 401);
      const uuid = randomUUID();
      const good = await send(GL_SECRET, uuid);
      assert.equal(good.statusCode, 200, good.body);
      const run = good.json<{ run: { status: string; stages: { name: string; durationMs: number }[]; durationMs: number } }>().run;
      assert.deepEqual([run.status, run.durationMs, run.stages[0]!.name, run.stages[0]!.durationMs], ["succeeded", 120_000, "test/unit", 60_000]);
      assert.equal((await send(GL_SECRET, uuid)).statusCode, 401, "a replay of the same event is refused");
    });

    test("POST /pipeline-runs stores a generic report and triages a failed one at once", async () => {
      const r = await h.app.inject({ method: "POST", url: "/api/v1/pipeline-runs", headers: { authorization: `Bearer ${deployer}` }, payload: { id: "jenkins-77", pipeline: "shop-build", status: "failed", commit: SHA, stages: [{ name: "test", status: "failed", startedAt: "2026-06-01T10:00:00Z", finishedAt: "2026-06-01T10:00:30Z", exitCode: 1 }], log: FAILED_LOG } });
      assert.equal(r.statusCode, 201, r.body);
      const run = r.json<{ run: { id: string; stages: { durationMs: number }[]; triage: { category: string } } }>().run;
      assert.equal(run.stages[0]!.durationMs, 30_000);
      assert.equal(run.triage.category, "test");
      const list = await h.app.inject({ method: "GET", url: `/api/v1/pipeline-runs?commit=${SHA.slice(0, 10)}`, headers: { authorization: `Bearer ${deployer}` } });
      assert.ok(list.json<{ runs: { id: string }[] }>().runs.some((x) => x.id === run.id));
      const bad = await h.app.inject({ method: "POST", url: "/api/v1/pipeline-runs", headers: { authorization: `Bearer ${deployer}` }, payload: { id: "x", pipeline: "p", status: "exploded" } });
      assert.equal(bad.statusCode, 400);
      const zipped = await h.app.inject({ method: "POST", url: "/api/v1/pipeline-runs", headers: { authorization: `Bearer ${deployer}` }, payload: { id: "jenkins-78", pipeline: "shop-build", status: "failed", commit: SHA, log: randomBytes(9000).toString("latin1") } });
      assert.equal(zipped.statusCode, 400, zipped.body);
      assert.match(zipped.json<{ error: { message: string } }>().error.message, /body\.log: not a text log: it looks like binary data/);
      const after = await h.app.inject({ method: "GET", url: "/api/v1/pipeline-runs?commit=" + SHA.slice(0, 10), headers: { authorization: `Bearer ${deployer}` } });
      assert.ok(!after.json<{ runs: { id: string; externalId?: string }[] }>().runs.some((x) => x.externalId === "jenkins-78"), "a refused report records no run");
    });
  });
}
