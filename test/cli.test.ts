/**
 * The real `slipway` CLI against a running control plane (SQLite; the audit check on both databases):
 * - `artifact push DIR` stores a build; `deploy S V --env E --wait` exits 0 when the deployment
 *   succeeded and 1 when it was rolled back; `status --json` shows the URL each environment
 *   serves on; `show ID` prints the analysis decisions with their numbers;
 * - `audit verify` passes on that real history (exit 0) and, after one row of audit_events is
 *   edited in the database, fails (exit 1) naming the edited event.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildHello, canaryEnv, helloYaml, startPlane, type PlaneFixture } from "./helpers/fixture.js";
import { summarize, waitForEnd } from "./helpers/http.js";
import { loadSummary, startLoad, type Load } from "./helpers/load.js";
import { runCli, type CliResult } from "./helpers/processes.js";

const SERVICE = "cli";

const slipwayFor = (fx: PlaneFixture) => (...args: string[]): Promise<CliResult> => runCli(args, { env: { SLIPWAY_SERVER: fx.api.url, SLIPWAY_TOKEN: fx.api.token } });
const show = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/** `slipway audit verify` passes; after the rolled-back deployment's end is rewritten in the DB it fails, naming that event. */
async function auditTamperCheck(fx: PlaneFixture, rolledBackId: string): Promise<void> {
  const slipway = slipwayFor(fx);
  const ok = await slipway("audit", "verify");
  assert.equal(ok.code, 0, show(ok));
  const checked = Number(/^audit chain ok: (\d+) events verified$/m.exec(ok.stdout)?.[1]);
  assert.ok(checked > 10, show(ok));

  // Someone rewrites history: the rolled-back deployment "succeeded".
  const db = fx.plane.store.db;
  const row = await db
    .selectFrom("audit_events")
    .select(["seq", "id", "action", "payload_json"])
    .where("action", "=", "deployment.rolled_back")
    .where("subject", "like", `%${rolledBackId}`)
    .executeTakeFirstOrThrow();
  const edited = row.payload_json.replace(/rolled_back|never became ready|analysis failed/g, "succeeded");
  assert.notEqual(edited, row.payload_json, "the edit changes the row");
  await db.updateTable("audit_events").set({ payload_json: edited }).where("seq", "=", row.seq).execute();

  const broken = await slipway("audit", "verify");
  assert.equal(broken.code, 1, show(broken));
  assert.match(broken.stdout, new RegExp(`audit chain BROKEN at event ${row.seq} \\(deployment\\.rolled_back, id ${row.id}\\)`), show(broken));
  assert.match(broken.stdout, /edited/, show(broken));
  assert.match(broken.stdout, new RegExp(`^${Number(row.seq) - 1} events checked before it$`, "m"), show(broken));
}

{
  const dialect = "sqlite";
  describe(`the slipway CLI (${dialect})`, () => {
    let fx: PlaneFixture;
    let routerUrl: string;
    let rolledBackId: string;
    const slipway = (...args: string[]) => slipwayFor(fx)(...args);

    before(async () => {
      fx = await startPlane(dialect);
      await fx.api.apply(helloYaml(SERVICE, { prod: canaryEnv({ replicas: 1, steps: [{ weight: 50, pause: "3s" }, { weight: 100 }] }) }));
      await fx.pushHello(SERVICE, "1.0.0");
      await fx.pushHello(SERVICE, "1.1.0");
      const first = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "prod", "1.0.0"));
      assert.equal(first.deployment.state, "succeeded", summarize(first));
      routerUrl = await fx.api.routerUrl(SERVICE, "prod");
    });
    after(() => fx?.cleanup());

    test("artifact push stores a directory and prints its digest", async () => {
      const dir = await buildHello(fx.workDir, "1.2.0", { failRate: 0.2 });
      const r = await slipway("artifact", "push", dir, "--service", SERVICE, "--version", "1.2.0");
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^pushed cli 1\.2\.0\nsha256:[0-9a-f]{64}\n$/, show(r));
    });

    test("deploy --wait exits 0 when the deployment succeeds and 1 when it is rolled back", async () => {
      let load: Load | undefined = startLoad(routerUrl, { concurrency: 2 });
      try {
        const good = await slipway("deploy", SERVICE, "1.1.0", "--env", "prod", "--wait");
        assert.equal(good.code, 0, show(good));
        assert.match(good.stdout, /^deployment \S+: cli 1\.1\.0 → prod$/m, show(good));
        assert.match(good.stdout, /^state: +succeeded/m, show(good));

        const bad = await slipway("deploy", SERVICE, "1.2.0", "--env", "prod", "--wait");
        assert.equal(bad.code, 1, show(bad));
        assert.match(bad.stdout, /^state: +rolled_back/m, show(bad));
        assert.match(bad.stdout, /analysis failed/, show(bad));
        rolledBackId = /^deployment (\S+):/m.exec(bad.stdout)![1]!;
      } finally {
        const report = await load!.stop();
        load = undefined;
        // The only failed requests are the bad canary's own 500s.
        assert.ok(report.failures.every((f) => f.kind === "status" && f.detail.startsWith("hello 1.2.0 failed")), loadSummary(report));
      }
    });

    test("status --json shows each environment's version and the URL it serves on", async () => {
      const r = await slipway("status", "--json");
      assert.equal(r.code, 0, show(r));
      const environments = JSON.parse(r.stdout) as { service: string; environment: string; version: string; url: string }[];
      const prod = environments.find((e) => e.service === SERVICE && e.environment === "prod");
      assert.ok(prod, r.stdout);
      assert.equal(prod.version, "1.1.0");
      assert.equal(prod.url, routerUrl);
      assert.match(prod.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await (await fetch(prod.url)).text()).trim(), "hello from 1.1.0");
    });

    test("show ID prints the analysis decisions with the numbers behind them", async () => {
      const r = await slipway("show", rolledBackId);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^state: +rolled_back/m, show(r));
      assert.match(r.stdout, /^analysis decisions:$/m, show(r));
      const fail = r.stdout.split("\n").find((l) => /^\s+\S+\s+fail\s/.test(l));
      assert.ok(fail, `a failing decision line:\n${r.stdout}`);
      assert.match(fail, /error-rate/);
      assert.match(fail, /0\.\d+/, "the line carries the measured rate");
      assert.match(r.stdout, /^timeline:$/m);
      assert.match(r.stdout, /traffic restored to 1\.1\.0/, show(r));
    });

    test("audit verify passes on the real history, and names the event after one row is edited", () => auditTamperCheck(fx, rolledBackId));
  });
}

describe("slipway audit verify on a real history (postgres)", () => {
  let fx: PlaneFixture;
  let rolledBackId: string;
  before(async () => {
    fx = await startPlane("postgres");
    await fx.api.apply(helloYaml(SERVICE, { dev: { target: { driver: "process", replicas: 1 }, strategy: { type: "blue-green" } } }, { readinessTimeout: "2s" }));
    await fx.pushHello(SERVICE, "1.0.0");
    await fx.pushHello(SERVICE, "2.0.0", { serverJs: "process.exit(1);\n" });
    const good = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "dev", "1.0.0"));
    assert.equal(good.deployment.state, "succeeded", summarize(good));
    const bad = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "dev", "2.0.0"));
    assert.equal(bad.deployment.state, "rolled_back", summarize(bad));
    rolledBackId = bad.deployment.id;
  });
  after(() => fx?.cleanup());

  test("passes, then names the event after one row is edited", () => auditTamperCheck(fx, rolledBackId));
});
