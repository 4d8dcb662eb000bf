/**
 * The weekly series on a small hand-made history, on SQLite and PostgreSQL. Weeks start on
 * Monday (D0 is one); the window runs from Wednesday D2 to Wednesday D16 12:00, so its first
 * week holds 5 days, its last 3. Service "shop":
 *
 *   env      artifact (commits)            state        finished     notes
 *   prod     a0 (c0 D0 01:00)              succeeded    D0 10:00     before the window
 *   prod     a1 (c1 D2 06:00)              succeeded    D2 10:00     lead c1 4h
 *   prod     a2 (c2 D3 02:00)              rolled_back  D3 09:00     failed change
 *   staging  a2                            succeeded    D3 08:00     not production
 *   prod     a3 (c3 D14 00:00)             succeeded    D14 10:00    ships c2 (11d 8h) and c3 (10h)
 *   prod     a3                            succeeded    D15 10:00    linked to an incident: a failed change
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ManualClock } from "../core/index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../store/testing.js";
import { doraReport, doraSeries, parseWindow, weekStartOf } from "./index.js";
import { addArtifact, addDeployment, addIncident, addService, D0, DAY, HOUR, t } from "./testing.js";

const NOW = t(16, 12);
const clock = new ManualClock(NOW);
const window = parseWindow({ since: "2026-01-07", until: new Date(NOW).toISOString() }, NOW);

test("weeks start on Monday", () => {
  const d0 = D0 / DAY; // a Monday
  assert.deepEqual([d0, d0 + 1, d0 + 6, d0 + 7].map(weekStartOf), [d0, d0, d0, d0 + 7]);
  assert.equal(new Date(weekStartOf(Date.UTC(1969, 11, 25) / DAY) * DAY).getUTCDay(), 1, "before 1970 too");
});

for (const dialect of TEST_DIALECTS) {
  describe(`DORA keys week by week (${dialect})`, () => {
    let ts: TestStore;
    before(async () => {
      ts = await freshStore(dialect);
      const db = ts.store.db;
      await addService(db, "shop", { staging: {}, prod: {} });
      await addService(db, "idle", { prod: {} });
      const a0 = await addArtifact(db, { service: "shop", version: "1.0", at: t(0, 2), commit: "c0", commits: [["c0", t(0, 1)]] });
      const a1 = await addArtifact(db, { service: "shop", version: "1.1", at: t(2, 7), commit: "c1", commits: [["c1", t(2, 6)]] });
      const a2 = await addArtifact(db, { service: "shop", version: "1.2", at: t(3, 3), commit: "c2", commits: [["c2", t(3, 2)]] });
      const a3 = await addArtifact(db, { service: "shop", version: "1.3", at: t(14, 1), commit: "c3", commits: [["c3", t(14, 0)]] });
      await addDeployment(db, { service: "shop", environment: "prod", artifactId: a0, state: "succeeded", created: t(0, 9), finished: t(0, 10) });
      await addDeployment(db, { service: "shop", environment: "prod", artifactId: a1, state: "succeeded", created: t(2, 9), finished: t(2, 10) });
      await addDeployment(db, { service: "shop", environment: "staging", artifactId: a2, state: "succeeded", created: t(3, 7), finished: t(3, 8) });
      await addDeployment(db, { service: "shop", environment: "prod", artifactId: a2, state: "rolled_back", created: t(3, 8, 30), finished: t(3, 9) });
      await addDeployment(db, { service: "shop", environment: "prod", artifactId: a3, state: "succeeded", created: t(14, 9), finished: t(14, 10) });
      const p5 = await addDeployment(db, { service: "shop", environment: "prod", artifactId: a3, state: "succeeded", created: t(15, 9), finished: t(15, 10) });
      await addIncident(db, { service: "shop", started: t(15, 11), resolved: t(15, 12), links: [p5] });
    });
    after(() => ts?.cleanup());

    test("each week's production deployments, failed changes, change fail rate and lead time", async () => {
      const { weeks } = await doraSeries(ts.store, clock, { service: "shop", window });
      assert.deepEqual(
        weeks.map((w) => [new Date(w.from).toISOString().slice(0, 10), w.days]),
        [["2026-01-07", 5], ["2026-01-12", 7], ["2026-01-19", 3]],
      );
      assert.deepEqual(weeks[0], { from: t(2, 0), days: 5, deployments: 2, succeeded: 1, failedChanges: 1, changeFailRate: 0.5, leadTime: { medianMs: 4 * HOUR, p90Ms: 4 * HOUR, count: 1 } });
      assert.deepEqual(weeks[1], { from: t(7, 0), days: 7, deployments: 0, succeeded: 0, failedChanges: 0, changeFailRate: null, leadTime: null });
      // c2 waited from D3 02:00 to D14 10:00 (11 days 8 hours); c3 10 hours. Nearest rank: median 10h, p90 the longest.
      assert.deepEqual(weeks[2], { from: t(14, 0), days: 3, deployments: 2, succeeded: 2, failedChanges: 1, changeFailRate: 0.5, leadTime: { medianMs: 10 * HOUR, p90Ms: 11 * DAY + 8 * HOUR, count: 2 } });
    });

    test("the weeks add up to the report of the same scope and window", async () => {
      for (const scope of [{ service: "shop" }, {}, { service: "shop", environment: "staging" }]) {
        const { weeks } = await doraSeries(ts.store, clock, { ...scope, window });
        const report = await doraReport(ts.store, clock, { ...scope, window, minDeployments: 1 });
        const sum = (f: (w: (typeof weeks)[number]) => number) => weeks.reduce((s, w) => s + f(w), 0);
        assert.equal(sum((w) => w.deployments), report.deployments, JSON.stringify(scope));
        assert.equal(sum((w) => w.succeeded), report.keys.deploymentFrequency.value!.successful);
        assert.equal(sum((w) => w.failedChanges), report.keys.changeFailRate.value?.failed ?? 0);
        assert.equal(sum((w) => w.leadTime?.count ?? 0), report.keys.leadTime.value?.count ?? 0);
      }
      const staging = await doraSeries(ts.store, clock, { service: "shop", environment: "staging", window });
      assert.deepEqual(staging.weeks.map((w) => w.deployments), [1, 0, 0]);
    });

    test("a service without deployments has its weeks, all empty", async () => {
      const { weeks, scope } = await doraSeries(ts.store, clock, { service: "idle", window });
      assert.deepEqual(scope, { service: "idle", environment: null });
      assert.equal(weeks.length, 3);
      for (const w of weeks) assert.deepEqual([w.deployments, w.changeFailRate, w.leadTime], [0, null, null]);
    });
  });
}
