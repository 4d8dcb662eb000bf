import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { openStore, type Store } from "../store/index.js";
import { freshStore, TEST_DIALECTS, TEST_PG_URL, type TestStore } from "../store/testing.js";
import { AuditFeed, appendAuditEvent, type AuditEvent } from "./index.js";

/** Resolves with the events the feed hands out until `count` arrived (or rejects after a generous bound). */
function collect(feed: AuditFeed, filter: { subject?: string }, count: number): { events: AuditEvent[]; done: Promise<AuditEvent[]> } {
  const events: AuditEvent[] = [];
  const done = new Promise<AuditEvent[]>((resolve, reject) => {
    // A hang detector only: generous, since a busy machine can take long to write a burst.
    const timer = setTimeout(() => reject(new Error(`only ${events.length} of ${count} events arrived`)), 120_000);
    const unfollow = feed.follow(filter, (e) => {
      events.push(e);
      if (events.length === count) {
        clearTimeout(timer);
        unfollow();
        resolve(events);
      }
    });
  });
  return { events, done };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

for (const dialect of TEST_DIALECTS) {
  describe(`the audit feed on ${dialect}`, () => {
    let t: TestStore;
    let writer: Store;
    let feed: AuditFeed;
    const errors: unknown[] = [];
    before(async () => {
      t = await freshStore(dialect);
      // On PostgreSQL the writer is another connection pool, as another instance of the control plane would be.
      writer = dialect === "postgres" ? await openStore(TEST_PG_URL, { schema: t.schema! }) : t.store;
      feed = new AuditFeed(t.store, (err) => errors.push(err));
      await feed.start();
    });
    after(async () => {
      feed.close();
      if (writer !== t.store) await writer.close();
      await t.cleanup();
    });

    test("hands out appended events in order, each once, to the followers whose filter matches", async () => {
      const mine = collect(feed, { subject: "deployment/A" }, 2);
      const all = collect(feed, {}, 3);
      await appendAuditEvent(writer.db, writer.dialect, { actor: "a", action: "deployment.created", subject: "deployment/A", payload: {} });
      await appendAuditEvent(writer.db, writer.dialect, { actor: "a", action: "deployment.created", subject: "deployment/B", payload: {} });
      await appendAuditEvent(writer.db, writer.dialect, { actor: "a", action: "deployment.running", subject: "deployment/A", payload: {} });
      assert.deepEqual((await mine.done).map((e) => e.action), ["deployment.created", "deployment.running"]);
      const seqs = (await all.done).map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
      assert.equal(new Set(seqs).size, 3);
      assert.deepEqual(errors, []);
    });

    test("an event appended in a transaction arrives only once it commits, and never if it rolls back", async () => {
      const got = collect(feed, { subject: "deployment/T" }, 1);
      await writer.db
        .transaction()
        .execute(async (trx) => {
          await appendAuditEvent(trx, writer.dialect, { actor: "a", action: "deployment.rolled_back", subject: "deployment/T", payload: { n: 1 } });
          throw new Error("roll back");
        })
        .catch(() => undefined);
      await settle();
      assert.equal(got.events.length, 0, "a rolled-back event is never handed out");
      await writer.db.transaction().execute(async (trx) => {
        await appendAuditEvent(trx, writer.dialect, { actor: "a", action: "deployment.succeeded", subject: "deployment/T", payload: { n: 2 } });
        await settle();
        assert.equal(got.events.length, 0, "not before the commit");
      });
      const [e] = await got.done;
      assert.deepEqual(e!.payload, { n: 2 });
    });

    test("a burst of appends reaches a follower completely, past the read page size", async () => {
      const n = 1_050;
      const got = collect(feed, { subject: "deployment/burst" }, n);
      await writer.db.transaction().execute(async (trx) => {
        for (let i = 0; i < n; i++) await appendAuditEvent(trx, writer.dialect, { actor: "a", action: "step.done", subject: "deployment/burst", payload: { i } });
      });
      const events = await got.done;
      assert.deepEqual(events.map((e) => (e.payload as { i: number }).i), Array.from({ length: n }, (_, i) => i));
    });

    if (dialect === "postgres") {
      test("when the LISTEN connection is killed, the feed reconnects and hands out what was appended meanwhile", async () => {
        const got = collect(feed, { subject: "deployment/R" }, 2);
        const channel = `slipway_audit_${t.schema!}`;
        const { rows } = await sql<{ n: number }>`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where query = ${`listen "${channel}"`}`.execute(writer.db);
        assert.equal(rows[0]!.n, 1, "one listening connection was terminated");
        await appendAuditEvent(writer.db, writer.dialect, { actor: "a", action: "deployment.created", subject: "deployment/R", payload: {} });
        await appendAuditEvent(writer.db, writer.dialect, { actor: "a", action: "deployment.running", subject: "deployment/R", payload: {} });
        assert.deepEqual((await got.done).map((e) => e.action), ["deployment.created", "deployment.running"]);
        assert.ok(errors.length >= 1, "the lost connection was reported");
      });
    }
  });
}
