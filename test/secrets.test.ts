/**
 * A secret given by `env:` reference reaches the app, and nowhere else: not in any file under
 * the data directory (replica logs, shim and router logs, the server's own log, state files,
 * the SQLite file itself), not in any API answer (status, show, history, events, services,
 * audit), not in any table of the database. Checked on a good deploy and on a failing one
 * whose app prints the secret right before it exits (its log tail goes into the error record).
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TEST_DIALECTS } from "../src/store/testing.js";
import { helloYaml, startPlane, type PlaneFixture } from "./helpers/fixture.js";
import { readEventStream, summarize, waitForEnd } from "./helpers/http.js";
import { dumpDatabase, filesUnder } from "./helpers/scan.js";

/** Prints the secret (stdout and stderr) and exits: the worst case for logs and error records. */
const LEAKS_AND_EXITS = `console.log("connecting to " + process.env.DB_URL);
console.error("fatal: cannot connect to " + process.env.DB_URL);
process.exit(1);
`;

for (const dialect of TEST_DIALECTS) {
  describe(`a secret by env: reference is never stored, logged or answered (${dialect})`, () => {
    // The distinctive part is what must never appear, whole or as part of the URL.
    const token = `s3cr3t-${randomBytes(12).toString("hex")}`;
    const secret = `postgres://app:${token}@db.internal:5432/app`;
    let fx: PlaneFixture;
    const ids: string[] = [];

    before(async () => {
      fx = await startPlane(dialect, { secretSource: { E2E_DB_URL: secret } });
      await fx.api.apply(
        helloYaml(
          "vault",
          {
            dev: {
              target: { driver: "process", replicas: 1 },
              strategy: { type: "blue-green" },
              verify: { probes: [{ http: "/healthz" }], smoke: ['echo "smoke sees $DB_URL"; echo "smoke err $DB_URL" >&2'] },
            },
          },
          { config: { dev: { SHOW_SECRET: "DB_URL", DB_URL: { secret: "env:E2E_DB_URL" }, LOG_LEVEL: "info" } }, readinessTimeout: "5s" },
        ),
      );
      await fx.pushHello("vault", "1.0.0");
      await fx.pushHello("vault", "2.0.0", { serverJs: LEAKS_AND_EXITS });
      ids.push(await fx.api.deploy("vault", "dev", "1.0.0"));
      const good = await waitForEnd(fx.api, ids[0]!);
      assert.equal(good.deployment.state, "succeeded", summarize(good));
      ids.push(await fx.api.deploy("vault", "dev", "2.0.0"));
      const bad = await waitForEnd(fx.api, ids[1]!);
      assert.equal(bad.deployment.state, "rolled_back", summarize(bad));
    });
    after(() => fx?.cleanup());

    test("the app received the value, and its own log shows it redacted", async () => {
      const url = await fx.api.routerUrl("vault", "dev");
      const answer = await (await fetch(`${url}/secret-sha256`)).text();
      assert.equal(answer, createHash("sha256").update(secret).digest("hex"), "the app got the exact value");
      const logs = (await filesUnder(join(fx.dataDir, "logs"))).filter((f) => f.endsWith(".log"));
      const texts = await Promise.all(logs.map((f) => readFile(f, "utf8")));
      assert.ok(texts.some((t) => t.includes("DB_URL=[REDACTED]")), `the good build's line is redacted:\n${texts.join("\n---\n")}`);
      assert.ok(texts.some((t) => t.includes("cannot connect to [REDACTED]")), "the bad build's stderr is redacted");
      const bad = await fx.api.show(ids[1]!);
      assert.match(JSON.stringify(bad), /cannot connect to \[REDACTED\]/, "the failed deployment's record carries the (redacted) log tail");
      const good = await fx.api.show(ids[0]!);
      assert.match(JSON.stringify(good.steps), /smoke sees \[REDACTED\]/, "smoke output is stored redacted");
    });

    test("no file under the data directory holds it", async () => {
      const files = await filesUnder(fx.dataDir);
      assert.ok(files.some((f) => f.endsWith("server.log")) && files.some((f) => f.includes("/replicas/")), `scanned: ${files.join(", ")}`);
      for (const file of files) {
        const bytes = await readFile(file);
        assert.equal(bytes.includes(token), false, `${file} contains the secret`);
      }
    });

    test("no API answer holds it", async () => {
      const answers = await Promise.all([
        fx.api.call("GET", "/status"),
        fx.api.call("GET", "/deployments?service=vault"),
        fx.api.call("GET", "/services"),
        fx.api.call("GET", "/services/vault"),
        fx.api.call("GET", "/artifacts/vault"),
        fx.api.call("GET", "/audit/verify"),
        ...ids.map((id) => fx.api.call("GET", `/deployments/${id}`)),
      ]);
      for (const a of answers) {
        assert.equal(a.status, 200, a.text);
        assert.equal(a.text.includes(token), false, `an API answer contains the secret: ${a.text.slice(0, 300)}`);
      }
      for (const id of ids) {
        const events = await readEventStream(fx.api, id);
        assert.match(events, /event: end/);
        assert.equal(events.includes(token), false, "the event stream contains the secret");
      }
    });

    test("no table of the database holds it", async () => {
      const dump = await dumpDatabase(fx.plane.store);
      assert.ok(dump.includes("env:E2E_DB_URL"), "the reference itself is what is stored");
      assert.equal(dump.includes(token), false, "a table contains the secret");
    });
  });
}
