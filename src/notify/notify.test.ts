/**
 * The notifier on real databases and real HTTP: audit events become outbox rows once, two
 * instances deliver each message once to a receiver that is down for its first 3 attempts,
 * signatures verify, refused and exhausted messages are dead-lettered and can be retried, and
 * no secret reaches a row, a log line or the API view.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { appendAuditEvent } from "../audit/index.js";
import { systemClock, type NotificationsConfig } from "../core/index.js";
import { freshStore, TEST_DIALECTS, type TestStore } from "../store/testing.js";
import { listOutboxRows } from "../store/index.js";
import { enqueueNewEvents, listNotifications, Notifier, retryNotification, verifySignature } from "./index.js";
import { startReceiver, type TestReceiver } from "./testing.js";

const KEY = "k3y-for-signing-0123456789";

function captureLog() {
  let text = "";
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString("utf8")), done()) });
  return { log: pino({ level: "debug" }, stream), text: () => text };
}

function routesTo(events: NotificationsConfig["routes"][number]["events"] = ["incident.opened"]): NotificationsConfig {
  return {
    destinations: { hook: { type: "webhook", url: { secret: "env:HOOK_URL" }, key: { secret: "env:HOOK_KEY" } } },
    routes: [{ events, environments: ["prod"], to: ["hook"] }],
  };
}

async function openIncidents(t: TestStore, n: number, environment = "prod"): Promise<void> {
  for (let i = 0; i < n; i++) {
    await appendAuditEvent(t.store.db, t.store.dialect, { actor: "pagerduty", action: "incident.opened", subject: `incident/inc-${environment}-${i}`, payload: { service: "checkout", environment, severity: "sev2", title: `checkout errors #${i}` } });
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`notifications (${dialect})`, () => {
    let t: TestStore;
    let receiver: TestReceiver;
    const secretPath = "/hooks/T0KEN-s3cret-path-4242";
    let env: Record<string, string>;

    before(async () => {
      t = await freshStore(dialect);
      receiver = await startReceiver();
      env = { HOOK_URL: `${receiver.url}${secretPath}`, HOOK_KEY: KEY };
    });
    after(async () => {
      await receiver?.close();
      await t?.cleanup();
    });

    test("enqueueing is idempotent: re-reading the same events adds nothing; other environments are not routed", async () => {
      await openIncidents(t, 2);
      await openIncidents(t, 1, "staging");
      const options = { clock: systemClock, publicUrl: null, batch: 2, serverRoutes: routesTo() };
      assert.equal(await enqueueNewEvents(t.store, options), 2);
      // As if the cursor had not moved (a crash before its commit, or another instance reading the old position).
      await t.store.db.updateTable("notify_cursor").set({ last_seq: 0 }).execute();
      assert.equal(await enqueueNewEvents(t.store, options), 0);
      const rows = await listOutboxRows(t.store.db);
      assert.equal(rows.length, 2);
      assert.deepEqual(rows.map((r) => r.environment), ["prod", "prod"]);
      await t.store.db.deleteFrom("notify_outbox").execute();
    });

    test("an event naming a deployment that does not exist is skipped, and does not hold up the next ones", async () => {
      await appendAuditEvent(t.store.db, t.store.dialect, { actor: "slipway", action: "deployment.succeeded", subject: "deployment/01NOSUCHDEPLOYMENT00000000", payload: { from: "verifying", to: "succeeded", service: "checkout", environment: "prod" } });
      await openIncidents(t, 1);
      const added = await enqueueNewEvents(t.store, { clock: systemClock, publicUrl: null, batch: 10, serverRoutes: routesTo(["deployment.succeeded", "incident.opened"]) });
      assert.equal(added, 1);
      assert.deepEqual((await listOutboxRows(t.store.db)).map((r) => r.event), ["incident.opened"]);
      await t.store.db.deleteFrom("notify_outbox").execute();
    });

    test("a receiver down for the first 3 attempts gets every message exactly once, signed, from two instances", async () => {
      const tries = new Map<string, number>();
      receiver.answer = ({ headers }) => {
        const id = headers["slipway-delivery"] ?? "";
        tries.set(id, (tries.get(id) ?? 0) + 1);
        return tries.get(id)! <= 3 ? 503 : 200;
      };
      const { log, text } = captureLog();
      const make = (name: string) =>
        new Notifier({ store: t.store, log, clock: systemClock, instanceId: name, secretSource: env, publicUrl: "http://slipway.test", serverRoutes: routesTo(), pollMs: 20, settings: { backoffBaseMs: 30, backoffMaxMs: 200, maxAttempts: 6, batch: 3 } });
      const instances = [make("a"), make("b")];
      instances.forEach((n) => n.start());
      try {
        await openIncidents(t, 6);
        await until("6 deliveries", async () => (await listOutboxRows(t.store.db, { state: "delivered" })).length === 6);
      } finally {
        await Promise.all(instances.map((n) => n.stop()));
      }
      const accepted = receiver.accepted();
      assert.equal(accepted.size, 6);
      for (const [id, got] of accepted) {
        assert.equal(got.length, 1, `${id} delivered ${got.length} times`);
        assert.equal(tries.get(id), 4, `${id}: 3 refused attempts, then one accepted`);
        const r = got[0]!;
        assert.equal(r.path, secretPath);
        assert.deepEqual(verifySignature(r.headers["slipway-signature"], r.body, KEY, Math.floor(Date.now() / 1000)).ok, true);
        const body = JSON.parse(r.body) as { id: string; event: string; incident: { severity: string } };
        assert.equal(body.id, id);
        assert.equal(body.event, "incident.opened");
        assert.equal(body.incident.severity, "sev2");
      }
      const rows = await listOutboxRows(t.store.db, { state: "delivered" });
      assert.ok(rows.every((r) => r.attempts === 4));
      assertNoSecret(JSON.stringify(rows), text(), JSON.stringify(await listNotifications(t.store)));
      assert.match(text(), /the receiver answered 503/);
      await t.store.db.deleteFrom("notify_outbox").execute();
    });

    test("a refused message (4xx) is dead at once, an exhausted one after its attempts; retry sends it again", async () => {
      receiver.answer = ({ body }) => (body.includes("#0") ? 410 : 500);
      const { log, text } = captureLog();
      const n = new Notifier({ store: t.store, log, clock: systemClock, instanceId: "c", secretSource: env, publicUrl: null, serverRoutes: routesTo(), pollMs: 20, settings: { backoffBaseMs: 10, backoffMaxMs: 50, maxAttempts: 3 } });
      n.start();
      try {
        await openIncidents(t, 2);
        await until("2 dead", async () => (await listNotifications(t.store, { state: "dead" })).length === 2);
        const dead = await listNotifications(t.store, { state: "dead" });
        const refused = dead.find((d) => d.summary.includes("#0"))!;
        const exhausted = dead.find((d) => d.summary.includes("#1"))!;
        assert.equal(refused.attempts, 1);
        assert.match(refused.lastError ?? "", /410/);
        assert.equal(exhausted.attempts, 3);
        receiver.answer = () => 200;
        await retryNotification(t.store, exhausted.id, systemClock);
        await assert.rejects(retryNotification(t.store, exhausted.id, systemClock), /not dead/);
        await until("the retried one delivered", async () => (await listNotifications(t.store, { state: "delivered" })).length === 1);
      } finally {
        await n.stop();
      }
      assertNoSecret(JSON.stringify(await listOutboxRows(t.store.db)), text(), JSON.stringify(await listNotifications(t.store)));
      await t.store.db.deleteFrom("notify_outbox").execute();
    });

    test("a receiver that refuses connections: the error names the failure, never the URL", async () => {
      const closed = await startReceiver();
      await closed.close();
      const { log, text } = captureLog();
      const secretSource = { HOOK_URL: `${closed.url}${secretPath}`, HOOK_KEY: KEY };
      const n = new Notifier({ store: t.store, log, clock: systemClock, instanceId: "d", secretSource, publicUrl: null, serverRoutes: routesTo(), pollMs: 20, settings: { backoffBaseMs: 10, backoffMaxMs: 20, maxAttempts: 2 } });
      n.start();
      try {
        await openIncidents(t, 1);
        await until("dead", async () => (await listNotifications(t.store, { state: "dead" })).length === 1);
      } finally {
        await n.stop();
      }
      const [dead] = await listNotifications(t.store, { state: "dead" });
      assert.match(dead!.lastError ?? "", /ECONNREFUSED/);
      assertNoSecret(JSON.stringify(await listOutboxRows(t.store.db)), text(), JSON.stringify(dead));
    });
  });
}

function assertNoSecret(...texts: string[]): void {
  for (const text of texts) {
    assert.ok(!text.includes("T0KEN-s3cret-path-4242"), `the secret URL leaked: ${text.slice(0, 300)}`);
    assert.ok(!text.includes(KEY), "the signing key leaked");
  }
}
