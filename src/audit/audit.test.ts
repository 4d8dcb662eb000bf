import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sql } from "kysely";
import { ManualClock } from "../core/index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../store/testing.js";
import { appendAuditEvent, canonicalJson, GENESIS_HASH, hashEvent, listAuditEvents, verifyAuditChain } from "./index.js";

async function withStore(dialect: (typeof TEST_DIALECTS)[number], fn: (t: TestStore) => Promise<void>): Promise<void> {
  const t = await freshStore(dialect);
  try {
    await fn(t);
  } finally {
    await t.cleanup();
  }
}

/** Appends n events to `deployment/d1`, alternating with `service/hello`. */
async function appendMany(t: TestStore, n: number, clock = new ManualClock()): Promise<void> {
  for (let i = 1; i <= n; i++) {
    clock.advance(1000);
    const subject = i % 2 === 0 ? "service/hello" : "deployment/d1";
    await appendAuditEvent(t.store.db, t.store.dialect, { actor: "alice", action: "step.done", subject, payload: { i, nested: { b: 2, a: [1, "x"] } } }, clock);
  }
}

describe("canonicalJson", () => {
  test("sorts keys recursively, drops undefined members, no whitespace", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, undefined], c: "é\n" }, u: undefined }), '{"a":{"c":"é\\n","d":[3,null]},"b":1}');
    assert.equal(canonicalJson(new Date(Date.UTC(2026, 0, 1))), '"2026-01-01T00:00:00.000Z"');
  });

  test("survives a round trip through JSON.parse unchanged", () => {
    const value = { z: [1.5, -0, 1e21, 0.1], y: { "": true, "\u00e9": null }, x: "\ud83d\ude00" };
    const once = canonicalJson(value);
    assert.equal(canonicalJson(JSON.parse(once)), once);
  });

  test("refuses values that could not be verified later", () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), /NaN/);
    assert.throws(() => canonicalJson({ n: 1n }), /bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), /cycle/);
  });

  test("hashEvent is stable and depends on the previous hash", () => {
    const ev = { id: "01J", seq: 1, at: 5, actor: "a", action: "x.y", subject: "s/1", payload: { k: 1 } };
    assert.equal(hashEvent(GENESIS_HASH, ev), hashEvent(GENESIS_HASH, { ...ev, payload: { k: 1 } }));
    assert.notEqual(hashEvent(GENESIS_HASH, ev), hashEvent("1".repeat(64), ev));
    assert.match(hashEvent(GENESIS_HASH, ev), /^[0-9a-f]{64}$/);
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`audit log on ${dialect}`, () => {
    test("appends a linked chain that verifies", async () => {
      await withStore(dialect, async (t) => {
        const clock = new ManualClock();
        const first = await appendAuditEvent(t.store.db, dialect, { actor: "alice", action: "deployment.created", subject: "deployment/d1", payload: { version: "1.0.0" } }, clock);
        assert.equal(first.seq, 1);
        assert.equal(first.prevHash, GENESIS_HASH);
        assert.equal(first.at, clock.now());
        const second = await appendAuditEvent(t.store.db, dialect, { actor: "slipway", action: "deployment.state_changed", subject: "deployment/d1", payload: { from: "queued", to: "running" } }, clock);
        assert.equal(second.prevHash, first.hash);
        await appendMany(t, 10, clock);
        assert.deepEqual(await verifyAuditChain(t.store.db, { batchSize: 3 }), { ok: true, checked: 12 });
      });
    });

    test("an empty log verifies", async () => {
      await withStore(dialect, async (t) => {
        assert.deepEqual(await verifyAuditChain(t.store.db), { ok: true, checked: 0 });
      });
    });

    test("refuses malformed actions and subjects", async () => {
      await withStore(dialect, async (t) => {
        const base = { actor: "alice", action: "deployment.created", subject: "deployment/d1" };
        await assert.rejects(appendAuditEvent(t.store.db, dialect, { ...base, action: "Created" }), /not a noun\.verb/);
        await assert.rejects(appendAuditEvent(t.store.db, dialect, { ...base, subject: "has space" }), /without spaces/);
        await assert.rejects(appendAuditEvent(t.store.db, dialect, { ...base, actor: "" }), /actor/);
      });
    });

    test("rolls back with the caller's transaction", async () => {
      await withStore(dialect, async (t) => {
        await assert.rejects(
          t.store.db.transaction().execute(async (trx) => {
            await appendAuditEvent(trx, dialect, { actor: "a", action: "service.applied", subject: "service/hello", payload: null });
            throw new Error("the change failed");
          }),
          /the change failed/,
        );
        assert.deepEqual(await listAuditEvents(t.store.db), []);
        const ev = await appendAuditEvent(t.store.db, dialect, { actor: "a", action: "service.applied", subject: "service/hello" });
        assert.equal(ev.seq, 1);
        assert.equal((await verifyAuditChain(t.store.db)).ok, true);
      });
    });

    test("an edited payload is named by seq and id", async () => {
      await withStore(dialect, async (t) => {
        await appendMany(t, 8);
        const [victim] = await listAuditEvents(t.store.db, { afterSeq: 4, limit: 1 });
        assert.ok(victim);
        await sql`update audit_events set payload_json = ${'{"i":999}'} where seq = 5`.execute(t.store.db);
        const result = await verifyAuditChain(t.store.db, { batchSize: 2 });
        assert.equal(result.ok, false);
        assert.equal(result.checked, 4);
        assert.deepEqual(result.firstBad, { seq: 5, id: victim.id, action: "step.done", reason: "hash does not match the event's content (edited after it was written?)" });
      });
    });

    test("an edit with a recomputed hash breaks the next link", async () => {
      await withStore(dialect, async (t) => {
        await appendMany(t, 5);
        const [ev] = await listAuditEvents(t.store.db, { afterSeq: 2, limit: 1 });
        assert.ok(ev);
        const forged = hashEvent(ev.prevHash, { ...ev, payload: { forged: true } });
        await sql`update audit_events set payload_json = ${'{"forged":true}'}, hash = ${forged} where seq = 3`.execute(t.store.db);
        const result = await verifyAuditChain(t.store.db);
        assert.equal(result.firstBad?.seq, 4);
        assert.equal(result.firstBad?.reason, "prev_hash does not link to event 3");
      });
    });

    test("a deleted middle event is reported at the next one", async () => {
      await withStore(dialect, async (t) => {
        await appendMany(t, 6);
        const [next] = await listAuditEvents(t.store.db, { afterSeq: 3, limit: 1 });
        assert.ok(next);
        await sql`delete from audit_events where seq = 3`.execute(t.store.db);
        const result = await verifyAuditChain(t.store.db);
        assert.equal(result.ok, false);
        assert.deepEqual(result.firstBad, { seq: 4, id: next.id, action: "step.done", reason: "prev_hash does not link to event 2; event 3 is missing" });
      });
    });

    test("a deleted last event is detected through the head", async () => {
      await withStore(dialect, async (t) => {
        await appendMany(t, 4);
        await sql`delete from audit_events where seq = 4`.execute(t.store.db);
        const result = await verifyAuditChain(t.store.db);
        assert.equal(result.ok, false);
        assert.equal(result.checked, 3);
        assert.equal(result.firstBad?.seq, 4);
        assert.match(result.firstBad?.reason ?? "", /head records event 4 but the log ends at event 3/);
      });
    });

    test("lists by subject, prefix, seq and time, in either order", async () => {
      await withStore(dialect, async (t) => {
        const clock = new ManualClock(Date.UTC(2026, 0, 1));
        await appendMany(t, 6, clock);
        await appendAuditEvent(t.store.db, dialect, { actor: "a", action: "deployment.created", subject: "Deployment/X" }, clock);
        const d1 = await listAuditEvents(t.store.db, { subject: "deployment/d1" });
        assert.deepEqual(d1.map((e) => e.seq), [1, 3, 5]);
        assert.deepEqual((await listAuditEvents(t.store.db, { subject: "deployment/d1", afterSeq: 1 })).map((e) => e.seq), [3, 5]);
        assert.deepEqual((await listAuditEvents(t.store.db, { subjectPrefix: "deployment/" })).map((e) => e.seq), [1, 3, 5]);
        assert.deepEqual((await listAuditEvents(t.store.db, { order: "desc", limit: 2 })).map((e) => e.seq), [7, 6]);
        const since = Date.UTC(2026, 0, 1) + 4000;
        assert.deepEqual((await listAuditEvents(t.store.db, { since })).map((e) => e.seq), [4, 5, 6, 7]);
        assert.deepEqual(d1[0]?.payload, { i: 1, nested: { a: [1, "x"], b: 2 } });
        await assert.rejects(listAuditEvents(t.store.db, { limit: 0 }), /limit/);
      });
    });

    test("50 concurrent appends make one valid chain", async () => {
      await withStore(dialect, async (t) => {
        const events = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            appendAuditEvent(t.store.db, dialect, { actor: `w${i}`, action: "token.created", subject: `token/${i}`, payload: { i } }),
          ),
        );
        assert.deepEqual(new Set(events.map((e) => e.seq)).size, 50);
        assert.equal(new Set(events.map((e) => e.prevHash)).size, 50);
        assert.deepEqual(await verifyAuditChain(t.store.db, { batchSize: 7 }), { ok: true, checked: 50 });
      });
    });
  });
}
