/**
 * Email through a real SMTP server (smtp-server, on 127.0.0.1): a server that answers 451 to a
 * message's first 3 attempts gets it once afterwards, with the deployment's facts in the text;
 * a 550 dead-letters at once; the SMTP password appears in no row or log.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import { appendAuditEvent } from "../audit/index.js";
import { systemClock, type NotificationsConfig } from "../core/index.js";
import { listOutboxRows } from "../store/index.js";
import { freshStore, type TestStore } from "../store/testing.js";
import { listNotifications, Notifier } from "./index.js";

const PASSWORD = "smtp-pa55word-never-logged";

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

describe("email notifications (sqlite)", () => {
  let t: TestStore;
  let smtp: SMTPServer;
  let port = 0;
  const mails: Mail[] = [];
  const tries = new Map<string, number>();
  let answer: (subject: string) => number = () => 250;

  before(async () => {
    t = await freshStore("sqlite");
    smtp = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      onAuth: (auth, _session, done) => (auth.username === "slipway" && auth.password === PASSWORD ? done(null, { user: "slipway" }) : done(new Error("bad credentials"))),
      onData: (stream, session, done) => {
        let raw = "";
        stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
        stream.on("end", () => {
          // Long headers are folded onto continuation lines.
          raw = raw.replace(/\r?\n[ \t]+/g, " ");
          const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? "";
          const id = /^Message-ID: (.*)$/im.exec(raw)?.[1] ?? "";
          tries.set(id, (tries.get(id) ?? 0) + 1);
          const code = answer(subject);
          if (code >= 400 && tries.get(id)! <= 3) return done(Object.assign(new Error(code >= 500 ? "mailbox unavailable" : "try again later"), { responseCode: code }));
          if (code >= 500) return done(Object.assign(new Error("mailbox unavailable"), { responseCode: code }));
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), raw });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    port = (smtp.server.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await t?.cleanup();
  });

  test("a server that defers the first 3 attempts gets each message once; a 550 is dead at once; no password anywhere", async () => {
    let logText = "";
    const log = pino({ level: "debug" }, new Writable({ write: (c: Buffer, _e, done) => ((logText += c.toString("utf8")), done()) }));
    const routes: NotificationsConfig = {
      destinations: { oncall: { type: "email", smtp: { secret: "env:SMTP_URL" }, from: "slipway@example.test", to: ["oncall@example.test", "lead@example.test"] } },
      routes: [{ events: ["incident.opened"], to: ["oncall"] }],
    };
    answer = (subject) => (subject.includes("#2") ? 550 : 451);
    const n = new Notifier({ store: t.store, log, clock: systemClock, instanceId: "mail", secretSource: { SMTP_URL: `smtp://slipway:${PASSWORD}@127.0.0.1:${port}` }, publicUrl: null, serverRoutes: routes, pollMs: 20, settings: { backoffBaseMs: 20, backoffMaxMs: 100, maxAttempts: 6, timeoutMs: 5_000 } });
    n.start();
    try {
      for (let i = 0; i < 3; i++) {
        await appendAuditEvent(t.store.db, t.store.dialect, { actor: "opsgenie", action: "incident.opened", subject: `incident/INC-${i}`, payload: { service: "checkout", environment: "prod", severity: "sev1", title: `checkout down #${i}` } });
      }
      const end = Date.now() + 20_000;
      while ((await listOutboxRows(t.store.db, { state: "pending" })).length > 0 || (await listOutboxRows(t.store.db)).length < 3) {
        if (Date.now() > end) throw new Error(`not settled: ${JSON.stringify(await listNotifications(t.store))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await n.stop();
    }
    assert.equal(mails.length, 2);
    for (const mail of mails) {
      assert.equal(mail.from, "slipway@example.test");
      assert.deepEqual(mail.to, ["oncall@example.test", "lead@example.test"]);
      assert.match(mail.raw, /^Subject: \[slipway\] Incident opened \(sev1\) for checkout in prod: checkout down #[01]/m);
      assert.match(mail.raw, /Severity: sev1/);
    }
    const rows = await listOutboxRows(t.store.db);
    const delivered = rows.filter((r) => r.state === "delivered");
    assert.equal(delivered.length, 2);
    assert.ok(delivered.every((r) => r.attempts === 4), JSON.stringify(delivered.map((r) => r.attempts)));
    const dead = rows.find((r) => r.state === "dead")!;
    assert.equal(dead.attempts, 1);
    assert.match(dead.last_error ?? "", /SMTP 550/);
    for (const text of [JSON.stringify(rows), logText, JSON.stringify(await listNotifications(t.store))]) assert.ok(!text.includes(PASSWORD), "the SMTP password leaked");
  });
});
