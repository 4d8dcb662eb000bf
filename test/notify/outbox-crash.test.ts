/**
 * Notifications end to end, with `slipway server` as a real child process: a deployment's
 * messages wait in the outbox while their receiver is down, the server is killed with -9, and
 * after a restart every message arrives exactly once (Slack Block Kit and a signed webhook); on
 * PostgreSQL a second instance starts with it, and the two still send each message once.
 * A receiver that refuses a message dead-letters it; `slipway notify failed` lists it and
 * `slipway notify retry` sends it again. The secret URLs and key appear in no log, API answer
 * or stored row.
 */
import assert from "node:assert/strict";
import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { findFreePort } from "../../src/net/index.js";
import { verifySignature } from "../../src/notify/index.js";
import { startReceiver, type TestReceiver } from "../../src/notify/testing.js";
import { listOutboxRows, openStore, type Store } from "../../src/store/index.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { helloYaml, pushHello, stopEverything, tempDir, testDatabase, type TestDatabase } from "../helpers/fixture.js";
import { summarize, waitFor, waitForEnd } from "../helpers/http.js";
import { runCli, spawnServer, type ServerProcess } from "../helpers/processes.js";
import YAML from "yaml";

const SERVICE = "notified";
const SECRET_PATH = "/services/T000/B000/s3cretWebhookT0ken";
const KEY = "signing-k3y-never-logged-77";

for (const dialect of TEST_DIALECTS) {
  describe(`notifications survive kill -9 of the control plane (${dialect})`, () => {
    let dataDir: string;
    let workDir: string;
    let db: TestDatabase;
    let port: number;
    let server: ServerProcess | undefined;
    let second: ServerProcess | undefined;
    let secondDir: string | undefined;
    let store: Store | undefined;
    let receiver: TestReceiver;
    let starts = 0;
    let env: Record<string, string>;

    const start = async () => {
      server = await spawnServer({ dataDir, db: db.url, port, logFile: join(workDir, `server-${++starts}.log`), env });
    };

    before(async () => {
      dataDir = await tempDir("notify");
      workDir = await tempDir("notify-work");
      db = await testDatabase(dialect, dataDir);
      port = await findFreePort("127.0.0.1");
      receiver = await startReceiver();
      env = {
        SLACK_URL: `${receiver.url}/slack${SECRET_PATH}`,
        HOOK_URL: `${receiver.url}/hook${SECRET_PATH}`,
        GONE_URL: `${receiver.url}/gone${SECRET_PATH}`,
        HOOK_KEY: KEY,
        SLIPWAY_NOTIFY_BACKOFF_MS: "200",
        SLIPWAY_NOTIFY_TIMEOUT_MS: "1000",
        SLIPWAY_PUBLIC_URL: "https://slipway.example.test",
      };
      await start();
      store = await openStore(db.url);
    });

    after(async () => {
      await second?.stop().catch(() => undefined);
      if (secondDir) {
        await stopEverything(secondDir);
        await rm(secondDir, { recursive: true, force: true });
      }
      await server?.stop().catch(() => undefined);
      await store?.close().catch(() => undefined);
      await receiver?.close();
      await stopEverything(dataDir);
      await db.drop().catch((err: unknown) => console.error(err));
      if (!process.env.SLIPWAY_KEEP_TEST_DATA) {
        await rm(dataDir, { recursive: true, force: true });
        await rm(workDir, { recursive: true, force: true });
      }
    });

    test("messages in the outbox at kill -9 all arrive once after the restart; a refused one is dead-lettered and retried", async () => {
      receiver.answer = () => 503;
      const api = () => server!.api;
      const config = YAML.parse(helloYaml(SERVICE, { dev: {} })) as Record<string, unknown>;
      config.notifications = {
        destinations: {
          "team-slack": { type: "slack", url: { secret: "env:SLACK_URL" } },
          audit: { type: "webhook", url: { secret: "env:HOOK_URL" }, key: { secret: "env:HOOK_KEY" } },
          gone: { type: "webhook", url: { secret: "env:GONE_URL" }, key: { secret: "env:HOOK_KEY" } },
        },
        routes: [
          { events: ["deployment.started", "deployment.succeeded"], environments: ["dev"], to: ["audit"] },
          { events: ["deployment.succeeded"], to: ["team-slack", "gone"] },
          { events: ["deployment.failed"], environments: ["prod"], to: ["team-slack"] },
        ],
      };
      await api().apply(YAML.stringify(config));
      await pushHello(api(), workDir, SERVICE, "1.0.0");
      const id = await api().deploy(SERVICE, "dev", "1.0.0");
      const done = await waitForEnd(api, id);
      assert.equal(done.deployment.state, "succeeded", summarize(done));
      // Four messages (started + succeeded to audit, succeeded to Slack and to gone), each tried and refused at least once.
      await waitFor("4 refused messages in the outbox", async () => {
        const rows = await listOutboxRows(store!.db);
        return rows.length === 4 && rows.every((r) => r.state === "pending" && r.attempts >= 1) ? true : undefined;
      }, 30_000);
      await server!.kill9();
      const accepted = receiver.requests.filter((r) => r.status < 300).length;
      assert.equal(accepted, 0);

      receiver.answer = ({ path }) => (path.startsWith("/gone") ? 410 : 200);
      if (dialect === "postgres") {
        // Two instances come up at once and race for the same outbox rows.
        secondDir = await tempDir("notify-second");
        const token = server!.api.token;
        const [, other] = await Promise.all([start(), spawnServer({ dataDir: secondDir, db: db.url, port: await findFreePort("127.0.0.1"), logFile: join(workDir, "second.log"), env, token })]);
        second = other;
      } else {
        await start();
      }
      await waitFor("3 delivered and 1 dead", async () => {
        const rows = await listOutboxRows(store!.db);
        return rows.filter((r) => r.state === "delivered").length === 3 && rows.some((r) => r.state === "dead") ? true : undefined;
      }, 60_000);

      const got = receiver.accepted();
      assert.equal(got.size, 3);
      for (const [delivery, requests] of got) assert.equal(requests.length, 1, `${delivery} arrived ${requests.length} times`);
      const hook = [...got.values()].flat().filter((r) => r.path.startsWith("/hook"));
      assert.deepEqual(hook.map((r) => JSON.parse(r.body).event).sort(), ["deployment.started", "deployment.succeeded"]);
      for (const r of hook) {
        assert.equal(verifySignature(r.headers["slipway-signature"], r.body, KEY, Math.floor(Date.now() / 1000)).ok, true);
        const body = JSON.parse(r.body) as { deployment: { id: string; version: string; url: string }; actor: string };
        assert.equal(body.deployment.id, id);
        assert.equal(body.deployment.version, "1.0.0");
        assert.equal(body.deployment.url, `https://slipway.example.test/api/v1/deployments/${id}`);
        assert.equal(body.actor, "admin");
      }
      const slack = [...got.values()].flat().find((r) => r.path.startsWith("/slack"))!;
      const blocks = JSON.parse(slack.body) as { text: string; blocks: { type: string; fields?: { text: string }[]; elements?: { url?: string }[] }[] };
      assert.match(blocks.text, /notified 1\.0\.0 succeeded in dev/);
      assert.ok(blocks.blocks.some((b) => b.fields?.some((f) => f.text.includes("*Version*\n1.0.0"))));
      assert.ok(blocks.blocks.some((b) => b.fields?.some((f) => f.text.includes("*By*\nadmin"))));
      assert.ok(blocks.blocks.some((b) => b.type === "actions" && b.elements?.[0]?.url === `https://slipway.example.test/api/v1/deployments/${id}`));

      const cliEnv = { SLIPWAY_SERVER: server!.api.url, SLIPWAY_TOKEN: server!.api.token };
      const failed = await runCli(["notify", "failed", "--json"], { env: cliEnv });
      assert.equal(failed.code, 0, failed.stderr);
      const dead = JSON.parse(failed.stdout) as { id: string; destination: string; lastError: string }[];
      assert.equal(dead.length, 1);
      assert.equal(dead[0]!.destination, `service/${SERVICE}:gone`);
      assert.match(dead[0]!.lastError, /410/);
      receiver.answer = () => 200;
      const retried = await runCli(["notify", "retry", dead[0]!.id], { env: cliEnv });
      assert.equal(retried.code, 0, retried.stderr);
      assert.match(retried.stdout, /queued .* to be sent again/);
      const again = await runCli(["notify", "retry", dead[0]!.id], { env: cliEnv });
      assert.equal(again.code, 1, "a notification that is no longer dead is a conflict");
      await waitFor("the retried message delivered", async () => ((await listOutboxRows(store!.db, { state: "delivered" })).length === 4 ? true : undefined), 30_000);
      assert.equal(receiver.accepted().size, 4);

      // No secret anywhere a person or a scraper could read it.
      const listing = await api().call("GET", "/notifications?limit=100");
      const logs = await Promise.all((await readdir(workDir)).filter((f) => f.endsWith(".log")).map((f) => readFile(join(workDir, f), "utf8")));
      const rows = JSON.stringify(await listOutboxRows(store!.db));
      for (const text of [listing.text, rows, failed.stdout, ...logs]) {
        assert.ok(!text.includes("s3cretWebhookT0ken"), "a webhook URL leaked");
        assert.ok(!text.includes(KEY), "the signing key leaked");
      }
    });
  });
}
