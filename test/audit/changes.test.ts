/**
 * "What changed?" on SQLite and PostgreSQL: deployments (rollbacks too), overrides and config
 * changes in a window, newest first, narrowed by environment and service.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { appendAuditEvent } from "../../src/audit/index.js";
import { ManualClock } from "../../src/core/index.js";
import { listChanges } from "../../src/engine/index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../../src/store/testing.js";
import { applyService, seedDeployment } from "./history.js";

const HOUR = 3_600_000;

for (const dialect of TEST_DIALECTS) {
  describe(`changes (${dialect})`, () => {
    let t: TestStore;
    let clock: ManualClock;
    const ids: Record<string, string> = {};
    let windowStart: number;

    before(async () => {
      t = await freshStore(dialect);
      clock = new ManualClock(Date.UTC(2026, 2, 2, 6));
      await applyService(t.store, clock, "shop", ["dev", "prod"]);
      await applyService(t.store, clock, "search", ["prod"]);
      ids.old = await seedDeployment(t.store, clock, { service: "shop", environment: "prod", version: "1.0.0" });
      // A deployment that began before the window and is still running counts: it is changing prod now.
      ids.inflight = await seedDeployment(t.store, clock, { service: "search", environment: "prod", version: "3.0.0", end: "running" });
      clock.advance(3 * HOUR);
      windowStart = clock.now();
      clock.advance(1000);
      ids.dev = await seedDeployment(t.store, clock, { service: "shop", environment: "dev", version: "1.1.0" });
      ids.prod = await seedDeployment(t.store, clock, { service: "shop", environment: "prod", version: "1.1.0", previous: "1.0.0", actor: "dave", reason: "INC-41 fix", governed: true });
      await applyService(t.store, clock, "shop", ["dev", "prod"], "erin");
      clock.advance(1000);
      ids.rollback = await seedDeployment(t.store, clock, { service: "shop", environment: "prod", version: "1.0.0", previous: "1.1.0", kind: "rollback", reason: "rollback to 1.0.0" });
      clock.advance(1000);
      await appendAuditEvent(t.store.db, t.store.dialect, { actor: "slipway", action: "traffic.shifted", subject: `deployment/${ids.rollback}`, payload: {} }, clock);
    });
    after(() => t.cleanup());

    test("prod in the window: newest first, each with kind, versions, actor, reason, state and id", async () => {
      const changes = await listChanges({ store: t.store, clock }, { since: windowStart, environment: "prod" });
      assert.deepEqual(
        changes.map((c) => [c.kind, c.service, c.environment, c.version, c.previousVersion, c.actor, c.state]),
        [
          ["rollback", "shop", "prod", "1.0.0", "1.1.0", "alice", "succeeded"],
          ["config", "shop", null, null, null, "erin", null],
          ["override", "shop", "prod", "1.1.0", "1.0.0", "admin", "succeeded"],
          ["deploy", "shop", "prod", "1.1.0", "1.0.0", "dave", "succeeded"],
          ["deploy", "search", "prod", "3.0.0", null, "alice", "running"],
        ],
      );
      for (let i = 1; i < changes.length; i++) assert.ok(changes[i - 1]!.at >= changes[i]!.at, "newest first");
      const [rollback, config, override, deploy] = changes;
      assert.equal(rollback?.id, ids.rollback);
      assert.equal(rollback?.reason, "rollback to 1.0.0");
      assert.match(config?.reason ?? "", /updated from slipway\.yaml/);
      assert.equal(override?.id, ids.prod);
      assert.equal(override?.reason, "hotfix for INC-42");
      assert.equal(deploy?.reason, "INC-41 fix");
      assert.ok(!changes.some((c) => c.id === ids.old), "the finished deployment before the window is left out");
      assert.ok(!changes.some((c) => c.id === ids.dev));
    });

    test("the window, the service filter and the limit are respected", async () => {
      const all = await listChanges({ store: t.store, clock }, { since: windowStart });
      assert.ok(all.some((c) => c.id === ids.dev));
      const search = await listChanges({ store: t.store, clock }, { since: windowStart, service: "search" });
      assert.deepEqual(search.map((c) => c.id), [ids.inflight]);
      const wide = await listChanges({ store: t.store, clock }, { since: 0, environment: "prod", service: "shop" });
      assert.deepEqual(wide.filter((c) => c.kind === "config").length, 2, "the service's registration and its update");
      assert.ok(wide.some((c) => c.id === ids.old));
      const narrow = await listChanges({ store: t.store, clock }, { since: windowStart, until: windowStart + 2000 });
      assert.ok(narrow.every((c) => c.at < windowStart + 2000));
      assert.equal((await listChanges({ store: t.store, clock }, { since: windowStart, limit: 2 })).length, 2);
      const future = await listChanges({ store: t.store, clock }, { since: clock.now() + HOUR, until: clock.now() + 2 * HOUR });
      assert.deepEqual(future.map((c) => c.id), [ids.inflight], "only what is still in flight");
      await assert.rejects(listChanges({ store: t.store, clock }, { since: 10, until: 5 }), /window is empty/);
    });
  });
}
