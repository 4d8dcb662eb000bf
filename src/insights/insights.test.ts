/**
 * Every definition on a small hand-made history whose answers are worked out by hand below,
 * on SQLite and PostgreSQL. Service "shop" (prod needs one approval; staging is not production):
 *
 *   artifact  pushed        commits (commit time)
 *   a1 1.0    D1 08:00      c0 D1 02:00, c1 D1 06:00      provenance: pipeline run r1
 *   a2 1.1    D2 08:00      c2 D2 07:00                   no provenance
 *   a3 1.2    D3 08:00      c3 D3 06:00, c4 D3 07:00      provenance attached
 *   a4 1.3    D4 08:00      c5 D4 04:00                   provenance: pipeline run r3
 *
 *   prod  kind      artifact  state        finished    notes
 *   p1    deploy    a1        succeeded    D1 10:00    approved +30m
 *   p2    deploy    a2        rolled_back  D2 09:30    verify failed (automatic rollback)
 *   p3    deploy    a3        succeeded    D3 10:00    approved +2h; ships a2's and a3's commits
 *   p4    rollback  a1        succeeded    D4 11:00    asked for by alice
 *   p5    deploy    a4        succeeded    D5 10:00    approved +10m; linked to incident i1 (D5 10:30 → 12:30)
 *   p6    deploy    a3        succeeded    D6 10:00    redeploy of 1.2, break-glass by bob, one verify step skipped
 *   p7    deploy    a4        cancelled    D6 12:00    never changed production: not counted
 *   staging s1 deploy a1 succeeded D1 08:30
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ManualClock } from "../core/index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../store/testing.js";
import { doraReport, kpiReport, parseWindow, type Distribution, type Kpi } from "./index.js";
import { addApproval, addArtifact, addDeployment, addIncident, addPipelineRun, addProvenance, addService, D0, DAY, digestOf, HOUR, t } from "./testing.js";

const NOW = t(10, 12);
const clock = new ManualClock(NOW);
const window10d = parseWindow({ since: "10d" }, NOW);
const kpi = (kpis: Kpi[], key: Kpi["key"]) => kpis.find((k) => k.key === key)!;

for (const dialect of TEST_DIALECTS) {
  describe(`insights on a hand-made history (${dialect})`, () => {
    let ts: TestStore;
    const ids: Record<string, string> = {};
    before(async () => {
      ts = await freshStore(dialect);
      const db = ts.store.db;
      await addService(db, "shop", { staging: {}, prod: { requires: { approvals: { count: 1 } } } });
      await addService(db, "idle", { prod: {} });
      const a1 = await addArtifact(db, { service: "shop", version: "1.0", at: t(1, 8), commit: "c1", commits: [["c0", t(1, 2)], ["c1", t(1, 6)]] });
      const a2 = await addArtifact(db, { service: "shop", version: "1.1", at: t(2, 8), commit: "c2", commits: [["c2", t(2, 7)]] });
      const a3 = await addArtifact(db, { service: "shop", version: "1.2", at: t(3, 8), commit: "c4", commits: [["c3", t(3, 6)], ["c4", t(3, 7)]] });
      const a4 = await addArtifact(db, { service: "shop", version: "1.3", at: t(4, 8), commit: "c5", commits: [["c5", t(4, 4)]] });
      await addProvenance(db, a3);
      await addPipelineRun(db, { service: "shop", status: "succeeded", finished: t(1, 7), digest: await digestOf(db, a1) });
      await addPipelineRun(db, { service: "shop", status: "failed", finished: t(2, 10), triagedAt: t(2, 10, 5) });
      await addPipelineRun(db, { service: "shop", status: "succeeded", finished: t(4, 7), digest: await digestOf(db, a4) });
      await addDeployment(db, { service: "shop", environment: "staging", artifactId: a1, state: "succeeded", created: t(1, 8, 10), finished: t(1, 8, 30) });
      ids.p1 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a1, state: "succeeded", created: t(1, 9), finished: t(1, 10) });
      await addApproval(db, ids.p1, t(1, 9, 30));
      ids.p2 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a2, state: "rolled_back", created: t(2, 9), finished: t(2, 9, 30), verify: ["done", "failed"] });
      ids.p3 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a3, state: "succeeded", created: t(3, 8), finished: t(3, 10) });
      await addApproval(db, ids.p3, t(3, 10));
      ids.p4 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a1, kind: "rollback", actor: "alice", state: "succeeded", created: t(4, 10, 45), finished: t(4, 11) });
      ids.p5 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a4, state: "succeeded", created: t(5, 9, 40), finished: t(5, 10) });
      await addApproval(db, ids.p5, t(5, 9, 50));
      await addIncident(db, { service: "shop", started: t(5, 10, 30), resolved: t(5, 12, 30), links: [ids.p5] });
      await addIncident(db, { service: "shop", started: t(7, 0), resolved: null });
      ids.p6 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a3, state: "succeeded", created: t(6, 9), finished: t(6, 10), overrideBy: "bob", verify: ["done", "skipped"] });
      await addDeployment(db, { service: "shop", environment: "prod", artifactId: a4, state: "cancelled", created: t(6, 11), finished: t(6, 12) });
    });
    after(() => ts?.cleanup());

    test("DORA keys of the service, by hand", async () => {
      const r = await doraReport(ts.store, clock, { service: "shop", window: window10d, minDeployments: 1 });
      // The window is widened to whole days: D0 00:00 .. D10 12:00 = 11 days.
      assert.equal(r.window.since, D0);
      assert.equal(r.window.days, 11);
      assert.equal(r.deployments, 6); // p1..p6; p7 was cancelled, s1 is staging
      // Frequency: 5 successful (p1, p3, p4, p5, p6) over 11 days.
      assert.deepEqual(r.keys.deploymentFrequency.value, { perDay: 5 / 11, perWeek: (5 / 11) * 7, perMonth: (5 / 11) * 30, successful: 5 });
      assert.equal(r.keys.deploymentFrequency.tier, "high"); // between once a week and once a day
      // Lead time per commit: c0 8h, c1 4h (p1); c2 27h, c3 4h, c4 3h (p3 ships 1.1 and 1.2); c5 30h (p5).
      // Sorted 3, 4, 4, 8, 27, 30 h: median = rank 3 = 4h, p90 = rank 6 = 30h. (Per deploy it would be 3 values, not 6.)
      assert.deepEqual(r.keys.leadTime.value, { medianMs: 4 * HOUR, p90Ms: 30 * HOUR, count: 6 } satisfies Distribution);
      assert.equal(r.keys.leadTime.tier, "elite");
      // Change fail: p2 (rolled back) and p5 (incident) of 6.
      assert.deepEqual(r.keys.changeFailRate.value, { rate: 2 / 6, failed: 2, deployments: 6 });
      assert.equal(r.keys.changeFailRate.tier, "low");
      // Recovery: p2 09:30 D2 → p3 10:00 D3 = 24.5h; p5 10:00 → i1 resolved 12:30 = 2.5h. Median = rank 1 = 2.5h.
      assert.deepEqual(r.keys.recoveryTime.value, { medianMs: 2.5 * HOUR, p90Ms: 24.5 * HOUR, count: 2, unrecovered: 0 });
      assert.equal(r.keys.recoveryTime.tier, "high");
      // Rework: p2 (its automatic rollback), p4 (rollback), p6 (redeploy of 1.2) of 6: a rollback is rework and failure.
      assert.deepEqual(r.keys.reworkRate.value, { rate: 3 / 6, unplanned: 3, deployments: 6 });
      assert.equal(r.keys.reworkRate.tier, "no tier for this year");
      assert.match(r.keys.leadTime.definition, /per commit|For each commit/);
    });

    test("too few deployments for a tier says so; no deployments is no data, never elite", async () => {
      const few = await doraReport(ts.store, clock, { service: "shop", window: window10d });
      assert.equal(few.keys.deploymentFrequency.tier, "too few deployments");
      assert.match(few.note!, /too few production deployments in the window for a tier: 6, at least 10/);
      const none = await doraReport(ts.store, clock, { service: "idle", window: window10d, minDeployments: 1 });
      assert.equal(none.deployments, 0);
      for (const key of Object.values(none.keys)) {
        assert.equal(key.tier, "no data");
        assert.equal(key.value, null);
      }
      const empty = await doraReport(ts.store, clock, { window: parseWindow({ since: "2026-01-01", until: "2026-01-03" }, NOW), minDeployments: 1 });
      assert.equal(empty.keys.changeFailRate.tier, "no data");
    });

    test("KPIs of the service, by hand", async () => {
      const { kpis } = await kpiReport(ts.store, clock, { service: "shop", window: window10d });
      assert.deepEqual([kpi(kpis, "deploymentSuccessRate").numerator, kpi(kpis, "deploymentSuccessRate").denominator], [5, 6]);
      // Rollbacks: p2's automatic one ended rolled_back, p4 succeeded: 2 of 2.
      assert.equal(kpi(kpis, "rollbackSuccessRate").value, 1);
      // Verification to a verdict: all but p6 (a step skipped): 5 of 6.
      assert.equal(kpi(kpis, "verificationCompletion").value, 5 / 6);
      // Restore: i1 2h; the open incident has none yet.
      assert.deepEqual(kpi(kpis, "timeToRestore").value, { medianMs: 2 * HOUR, p90Ms: 2 * HOUR, count: 1 });
      // Approval waits: 30m, 60m... p3 was created 08:00 and approved 10:00 (2h); p5 10m: sorted 10m, 30m, 2h, median 30m.
      assert.deepEqual(kpi(kpis, "approvalWaitTime").value, { medianMs: 30 * 60_000, p90Ms: 2 * HOUR, count: 3 });
      // Automation: not p4 (rollback by alice) nor p6 (break-glass): 4 of 6.
      assert.equal(kpi(kpis, "automationCoverage").value, 4 / 6);
      // Evidence: p1 (a1: run r1, approved), p3 (a3: attachment, approved), p5 (a4: run r3, approved); not p2 (no provenance), p4, p6 (not approved): 3 of 6.
      assert.equal(kpi(kpis, "auditCompleteness").value, 3 / 6);
      assert.equal(kpi(kpis, "pipelinePassRate").value, 2 / 3);
      assert.deepEqual(kpi(kpis, "triageTime").value, { medianMs: 5 * 60_000, p90Ms: 5 * 60_000, count: 1 });
      for (const k of kpis) assert.ok(k.definition.length > 20, k.key);
    });

    test("one environment, and all services, read the same history", async () => {
      const staging = await doraReport(ts.store, clock, { service: "shop", environment: "staging", window: window10d, minDeployments: 1 });
      assert.equal(staging.deployments, 1);
      // To staging, c0 and c1 arrived at 08:30: 6h30 and 2h30; median rank 1.
      assert.deepEqual(staging.keys.leadTime.value, { medianMs: 2.5 * HOUR, p90Ms: 6.5 * HOUR, count: 2 });
      const all = await doraReport(ts.store, clock, { window: window10d, minDeployments: 1 });
      const shop = await doraReport(ts.store, clock, { service: "shop", window: window10d, minDeployments: 1 });
      assert.deepEqual(all.keys, shop.keys);
    });

    test("new rows reach the rollups incrementally: a deployment, then an incident linked to it", async () => {
      // Rows written after the reports above (their times are after NOW, as the rollups' watermark expects).
      const db = ts.store.db;
      const a5 = await addArtifact(db, { service: "shop", version: "1.4", at: NOW + 1_000, commit: "c6", commits: [["c6", NOW - 3 * HOUR]] });
      const p8 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a5, state: "succeeded", created: NOW + 2_000, finished: NOW + 3_000 });
      const later = new ManualClock(NOW + 10_000);
      const r = await doraReport(ts.store, later, { service: "shop", window: window10d, minDeployments: 1 });
      assert.equal(r.deployments, 7);
      assert.equal(r.keys.leadTime.value!.count, 7);
      assert.equal(r.keys.changeFailRate.value!.failed, 2);
      await addIncident(db, { service: "shop", started: NOW + 20_000, resolved: null, links: [p8] });
      const r2 = await doraReport(ts.store, new ManualClock(NOW + 30_000), { service: "shop", window: window10d, minDeployments: 1 });
      assert.equal(r2.keys.changeFailRate.value!.failed, 3);
      assert.equal(r2.keys.recoveryTime.value!.unrecovered, 1);
      const all = await doraReport(ts.store, new ManualClock(NOW + 30_000), { window: window10d, minDeployments: 1 });
      assert.equal(all.keys.changeFailRate.value!.failed, 3);
      // A window long enough for whole 32-day blocks: all services read block sums and edge days, one service its days.
      const march = new ManualClock(Date.UTC(2026, 2, 2));
      const long = parseWindow({ since: "2025-12-20T00:00:00Z", until: "2026-03-01T00:00:00Z" }, march.now());
      const allLong = await doraReport(ts.store, march, { window: long, minDeployments: 1 });
      const shopLong = await doraReport(ts.store, march, { service: "shop", window: long, minDeployments: 1 });
      assert.deepEqual(allLong.keys, shopLong.keys);
      assert.equal(allLong.keys.leadTime.value!.count, 7);
    });
  });
}

test("a window must be a duration or an ISO time, in the past, and not empty", () => {
  assert.throws(() => parseWindow({ since: "banana" }, NOW), (e: Error & { code?: string }) => e.code === "bad_input" && /neither a duration nor an ISO 8601 time/.test(e.message));
  assert.throws(() => parseWindow({ since: new Date(NOW + DAY).toISOString() }, NOW), /starts in the future/);
  assert.throws(() => parseWindow({ since: "2d", until: new Date(NOW + DAY).toISOString() }, NOW), /ends in the future/);
  assert.throws(() => parseWindow({ since: "2026-01-03", until: "2026-01-02" }, NOW), /window is empty/);
  assert.equal(parseWindow({ since: "90d" }, NOW).days, 91);
});
