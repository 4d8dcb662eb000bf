/**
 * Incidents and metrics through the real API on both databases: PagerDuty v3 and Opsgenie
 * webhooks (signature checked; a wrong one is 401 and recorded), manual open / link / resolve
 * with their audit events, the postmortem timeline, the incident a failed production
 * verification opens by itself, and bad metric windows (400 from the API, exit 2 from the CLI).
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { appendAuditEvent, listAuditEvents } from "../../src/audit/index.js";
import { listIncidents } from "../../src/incidents/index.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { insertDeployment, startHarness, type AccessHarness } from "../access/harness.js";
import { runCli } from "../helpers/processes.js";

const PD_SECRET = "pd-webhook-secret-value";
const OG_SECRET = "opsgenie-shared-token";

const pdEvent = (type: string, id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ event: { id: `E-${type}-${id}`, event_type: type, resource_type: "incident", occurred_at: "2026-01-05T10:30:00Z", data: { id, type: "incident", title: "Checkout 5xx", html_url: `https://acme.pagerduty.com/incidents/${id}`, urgency: "high", priority: { summary: "P1" }, created_at: "2026-01-05T10:00:00Z", ...extra } } });
const sign = (body: string, secret: string) => `v1=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const dialect of TEST_DIALECTS) {
  describe(`incidents (${dialect})`, () => {
    let h: AccessHarness;
    let admin: string;
    let deployer: string;
    const post = (url: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
      h.app.inject({ method: "POST", url, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, payload: typeof body === "string" ? body : JSON.stringify(body) });
    const get = (url: string, token: string) => h.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });

    before(async () => {
      h = await startHarness(dialect, { secretSource: { PD_SECRET, OG_SECRET } });
      admin = await h.token("admin", "admin");
      deployer = await h.token("deployer", "deployer");
      assert.equal((await post("/api/v1/incident-sources", { provider: "pagerduty", name: "main", secret: "env:PD_SECRET", service: "shop", environment: "prod" }, admin)).statusCode, 201);
      assert.equal((await post("/api/v1/incident-sources", { provider: "opsgenie", name: "ops", secret: "env:OG_SECRET" }, admin)).statusCode, 201);
    });
    after(() => h?.close());

    test("PagerDuty v3: a signed triggered event opens once, resolved resolves; a wrong signature is 401 and recorded", async () => {
      const body = pdEvent("incident.triggered", "PGR0VU2");
      const opened = await post("/api/v1/webhooks/pagerduty/main", body, undefined, { "x-pagerduty-signature": `v1=${"0".repeat(64)}, ${sign(body, PD_SECRET)}` });
      assert.equal(opened.statusCode, 201, opened.body);
      const incident = opened.json<{ incident: { id: string; severity: string; service: string; startedAt: number; source: string } }>().incident;
      assert.deepEqual([incident.severity, incident.service, incident.source, incident.startedAt], ["sev1", "shop", "pagerduty", Date.parse("2026-01-05T10:00:00Z")]);
      const again = await post("/api/v1/webhooks/pagerduty/main", body, undefined, { "x-pagerduty-signature": sign(body, PD_SECRET) });
      assert.equal(again.statusCode, 200);
      assert.equal(again.json<{ incident: { id: string } }>().incident.id, incident.id);

      const forged = await post("/api/v1/webhooks/pagerduty/main", pdEvent("incident.resolved", "PGR0VU2"), undefined, { "x-pagerduty-signature": sign(body, "not-the-secret") });
      assert.equal(forged.statusCode, 401);
      assert.match(forged.body, /X-PagerDuty-Signature does not match/);
      const unsigned = await post("/api/v1/webhooks/pagerduty/main", body);
      assert.equal(unsigned.statusCode, 401);
      const refused = await listAuditEvents(h.store.db, { action: "incident.webhook_refused", limit: 100 });
      assert.equal(refused.filter((e) => e.subject === "incident-source/pagerduty/main").length, 2);
      assert.ok(!JSON.stringify(refused).includes(PD_SECRET));

      const resolvedBody = pdEvent("incident.resolved", "PGR0VU2");
      const resolved = await post("/api/v1/webhooks/pagerduty/main", resolvedBody, undefined, { "x-pagerduty-signature": sign(resolvedBody, PD_SECRET) });
      assert.equal(resolved.statusCode, 200, resolved.body);
      const r = resolved.json<{ incident: { status: string; resolvedAt: number } }>().incident;
      assert.deepEqual([r.status, r.resolvedAt], ["resolved", Date.parse("2026-01-05T10:30:00Z")]);
      const ignored = pdEvent("incident.acknowledged", "PGR0VU2");
      assert.equal((await post("/api/v1/webhooks/pagerduty/main", ignored, undefined, { "x-pagerduty-signature": sign(ignored, PD_SECRET) })).statusCode, 202);
      const unknown = await post("/api/v1/webhooks/pagerduty/nobody", body, undefined, { "x-pagerduty-signature": sign(body, PD_SECRET) });
      assert.equal(unknown.statusCode, 401);
    });

    test("Opsgenie: Create with the shared token opens, Close resolves, a wrong token is 401 and recorded", async () => {
      const create = JSON.stringify({ action: "Create", alert: { alertId: "og-1", message: "Queue backlog", priority: "P3", createdAt: Date.parse("2026-01-05T09:00:00Z") } });
      assert.equal((await post("/api/v1/webhooks/opsgenie/ops", create, undefined, { "x-opsgenie-token": "wrong" })).statusCode, 401);
      const opened = await post("/api/v1/webhooks/opsgenie/ops", create, undefined, { "x-opsgenie-token": OG_SECRET });
      assert.equal(opened.statusCode, 201, opened.body);
      assert.equal(opened.json<{ incident: { severity: string } }>().incident.severity, "sev3");
      const close = JSON.stringify({ action: "Close", alert: { alertId: "og-1", updatedAt: Date.parse("2026-01-05T09:45:00Z") } });
      const closed = await post("/api/v1/webhooks/opsgenie/ops", close, undefined, { "x-opsgenie-token": OG_SECRET });
      assert.equal(closed.json<{ incident: { status: string; resolvedAt: number } }>().incident.resolvedAt, Date.parse("2026-01-05T09:45:00Z"));
      const refused = await listAuditEvents(h.store.db, { action: "incident.webhook_refused", limit: 100 });
      assert.equal(refused.filter((e) => e.subject === "incident-source/opsgenie/ops").length, 1);
    });

    test("open, link, resolve on the record; the timeline shows what changed around it", async () => {
      const t0 = h.clock.now();
      const dep = await insertDeployment(h.store, "shop", "prod", t0 - 30 * 60_000);
      const other = await insertDeployment(h.store, "cart", "prod", t0 - 20 * 60_000);
      await h.store.db.updateTable("deployments").set({ version: "2.4.0" }).where("id", "=", dep).execute();
      const rec = (actor: string, action: string, subject: string, payload: unknown) => appendAuditEvent(h.store.db, h.store.dialect, { actor, action, subject, payload }, h.clock);
      await rec("dana", "service.updated", "service/shop", { file: "slipway.yaml" });
      await rec("dana", "deployment.created", `deployment/${dep}`, { service: "shop", environment: "prod", kind: "deploy", reason: "new checkout" });
      await rec("erin", "approval.recorded", `deployment/${dep}`, { decision: "approve", comment: "ok" });
      await rec("slipway", "step.done", `deployment/${dep}`, { idx: 2, kind: "verify", via: "router" });
      await rec("slipway", "deployment.succeeded", `deployment/${dep}`, { from: "verifying", to: "succeeded", service: "shop", environment: "prod" });
      await rec("finn", "deployment.created", `deployment/${other}`, { service: "cart", environment: "prod", kind: "deploy" });

      const opened = await post("/api/v1/incidents", { title: "Checkout errors", severity: "sev2", service: "shop", environment: "prod" }, deployer);
      assert.equal(opened.statusCode, 201, opened.body);
      const id = opened.json<{ incident: { id: string } }>().incident.id;
      const linked = await post(`/api/v1/incidents/${id}/links`, { deployments: [dep] }, deployer);
      assert.deepEqual(linked.json<{ incident: { deployments: string[] } }>().incident.deployments, [dep]);
      assert.equal((await post(`/api/v1/incidents/${id}/links`, { deployments: ["01JZZZZZZZZZZZZZZZZZZZZZZZ"] }, deployer)).statusCode, 404);
      h.clock.advance(45 * 60_000);
      const resolved = await post(`/api/v1/incidents/${id}/resolve`, { summary: "rolled back" }, deployer);
      assert.equal(resolved.json<{ incident: { status: string } }>().incident.status, "resolved");
      assert.equal((await post(`/api/v1/incidents/${id}/resolve`, {}, deployer)).statusCode, 409);
      const actions = (await listAuditEvents(h.store.db, { subject: `incident/${id}` })).map((e) => e.action);
      assert.deepEqual(actions, ["incident.opened", "incident.linked", "incident.resolved"]);

      const timeline = await get(`/api/v1/incidents/${id}/timeline?before=2h`, deployer);
      assert.equal(timeline.statusCode, 200, timeline.body);
      const entries = timeline.json<{ entries: { kind: string; what: string; service: string | null; at: number }[] }>().entries;
      assert.deepEqual(
        entries.map((e) => `${e.kind}: ${e.what}`),
        ["config: slipway.yaml updated", "deployment: deploy 2.4.0 created (new checkout)", "approval: approve by erin: ok", "verification: verify via router passed", "deployment: 2.4.0 succeeded", "incident: opened: Checkout errors", "incident: linked", "incident: resolved"],
      );
      assert.ok(entries.every((e, i) => i === 0 || e.at >= entries[i - 1]!.at));
      assert.equal((await get("/api/v1/incidents?status=resolved&service=shop", deployer)).json<{ incidents: unknown[] }>().incidents.length >= 1, true);
    });

    test("a production deployment that fails verification opens an incident by itself; staging and opted-out ones do not", async () => {
      const fail = async (environment: string, envConfig: unknown) => {
        const id = await insertDeployment(h.store, "pay", environment, h.clock.now());
        await h.store.db.updateTable("deployments").set({ env_config_json: JSON.stringify({ environment: envConfig }), error: "verification through the router failed: 5xx" }).where("id", "=", id).execute();
        await appendAuditEvent(h.store.db, h.store.dialect, { actor: "slipway", action: "deployment.rolling_back", subject: `deployment/${id}`, payload: { from: "verifying", to: "rolling_back", service: "pay", environment, cause: "verification" } }, h.clock);
        return id;
      };
      const quiet = await fail("prod", { incidents: { on_failed_verification: false, severity: "sev1" } });
      const staging = await fail("staging", {});
      const prod = await fail("prod", {});
      const incident = await waitFor("the automatic incident", async () => (await listIncidents(h.store.db, { service: "pay" })).find((i) => i.deployments.includes(prod)));
      assert.deepEqual([incident.source, incident.severity, incident.environment, incident.status], ["verification", "sev2", "prod", "open"]);
      assert.match(incident.title, /failed verification in prod/);
      const all = await listIncidents(h.store.db, { service: "pay" });
      assert.equal(all.length, 1, `only the production one: ${JSON.stringify(all.map((i) => i.deployments))} (quiet ${quiet}, staging ${staging})`);
    });

    test("metrics: a bad or future window is a 400 naming the problem; a good one has every definition", async () => {
      const bad = await get("/api/v1/metrics/dora?since=banana", deployer);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /neither a duration nor an ISO 8601 time/);
      const future = await get(`/api/v1/metrics/kpis?since=${new Date(h.clock.now() + 86_400_000).toISOString()}`, deployer);
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /starts in the future/);
      const dora = await get("/api/v1/metrics/dora?since=30d", deployer);
      assert.equal(dora.statusCode, 200, dora.body);
      const keys = dora.json<{ keys: Record<string, { definition: string; tier: string }> }>().keys;
      assert.deepEqual(Object.keys(keys).sort(), ["changeFailRate", "deploymentFrequency", "leadTime", "recoveryTime", "reworkRate"]);
      for (const k of Object.values(keys)) assert.ok(k.definition.length > 40);
      const kpis = await get("/api/v1/metrics/kpis?service=shop&since=30d", deployer);
      assert.equal(kpis.json<{ kpis: { key: string; definition: string }[] }>().kpis.length, 9);
    });

    test("metrics series: weeks of the window, its query checked like the reports', a scoped token reads its own service", async () => {
      const series = await get("/api/v1/metrics/dora/series?since=30d", deployer);
      assert.equal(series.statusCode, 200, series.body);
      const body = series.json<{ scope: { service: string | null }; weeks: { from: number; days: number }[] }>();
      assert.equal(body.weeks.reduce((s, w) => s + w.days, 0), 31, "the weeks cover the window's 31 days");
      assert.equal(new Date(body.weeks[1]!.from).getUTCDay(), 1, "weeks start on Monday");
      for (const bad of ["since=banana", "service=Not_A_Name", "min_deployments=3", "bucket=day"]) {
        const r = await get(`/api/v1/metrics/dora/series?${bad}`, deployer);
        assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
      }
      const scoped = await h.token("shop-viewer", "viewer", { service: "shop" });
      assert.equal((await get("/api/v1/metrics/dora/series?since=30d", scoped)).json<{ scope: { service: string } }>().scope.service, "shop");
      assert.equal((await get("/api/v1/metrics/dora/series?service=other&since=30d", scoped)).statusCode, 403);
    });

    test("the CLI: slipway metrics --since banana exits 2 with the reason; a good window prints the table", async () => {
      const address = await h.app.listen({ host: "127.0.0.1", port: 0 });
      const env = { SLIPWAY_SERVER: address, SLIPWAY_TOKEN: deployer };
      const bad = await runCli(["metrics", "--since", "banana"], { env });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /--since "banana" is neither a duration nor an ISO 8601 time/);
      const good = await runCli(["metrics", "--service", "shop", "--since", "30d"], { env });
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stdout, /change lead time/);
      assert.match(good.stdout, /deploymentSuccessRate/);
      const list = await runCli(["incident", "list", "--service", "shop", "--json"], { env });
      assert.equal(list.code, 0, list.stderr);
      assert.ok(JSON.parse(list.stdout).incidents.length >= 1);
    });
  });
}
