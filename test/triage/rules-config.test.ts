/**
 * Where extra triage rules come from: a server-wide rules file, a service's `triage.rules` in
 * its slipway.yaml (on the server, and offline from ./slipway.yaml or --config).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { test } from "node:test";
import { Command } from "commander";
import { registerTriageCommand } from "../../src/cli/commands/triage.js";
import { isSlipwayError } from "../../src/core/errors.js";
import { loadRulesFile } from "../../src/triage/index.js";
import { startHarness } from "../access/harness.js";
import { runCli } from "../helpers/processes.js";

// A failure no built-in rule knows by name: a database deadlock during a migration.
const log = '$ node migrate.js\nmigrating 12 tables\ndb: deadlock detected while waiting for ShareLock on transaction 8812\nThe command "node migrate.js" exited with 1.\n';

const dir = mkdtempSync(join(tmpdir(), "slipway-triage-rules-"));
const serverRules = join(dir, "server-rules.yaml");
writeFileSync(serverRules, ["rules:", "  - id: pg-deadlock", '    match: "deadlock detected"', "    score: 9", "    category: infrastructure", '    cause: "the shared CI database deadlocked"', "    flaky: 0.9"].join("\n"));
const serviceYaml = (rules: string[]) =>
  ["service: shop", "owner: team-shop", "run:", "  command: node server.js", "environments:", "  dev: {}", "triage:", "  rules:", ...rules].join("\n") + "\n";
// The service says its deadlocks are its own bug, not the runner's: same id, so it replaces the server's rule.
const shopRules = ["    - id: pg-deadlock", '      match: "deadlock detected"', "      score: 9", "      category: test", '      cause: "the cart saves rows in an order that deadlocks"'];

test("server-wide rules apply to every triage; a service's triage.rules replace them by id when the request names it", async () => {
  const h = await startHarness("sqlite", { triageRules: loadRulesFile(serverRules) });
  try {
    const auth = { authorization: `Bearer ${await h.token("ci", "admin")}` };
    const plain = (await h.app.inject({ method: "POST", url: "/api/v1/triage", headers: auth, payload: { log } })).json();
    assert.equal(plain.category, "infrastructure");
    assert.equal(plain.cause, "the shared CI database deadlocked");
    assert.equal(plain.flaky.verdict, "flaky");

    const applied = await h.app.inject({ method: "POST", url: "/api/v1/services", headers: auth, payload: { yaml: serviceYaml(shopRules) } });
    assert.equal(applied.statusCode, 201, applied.body);
    const shop = (await h.app.inject({ method: "POST", url: "/api/v1/triage", headers: auth, payload: { log, service: "shop" } })).json();
    assert.equal(shop.category, "test");
    assert.equal(shop.cause, "the cart saves rows in an order that deadlocks");

    const streamed = await h.app.inject({ method: "POST", url: "/api/v1/triage/log?service=shop", headers: { ...auth, "content-type": "text/plain" }, payload: log });
    assert.equal(streamed.json().category, "test");
    const unknown = await h.app.inject({ method: "POST", url: "/api/v1/triage", headers: auth, payload: { log, service: "nope" } });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().error.message, /no service "nope"/);
  } finally {
    await h.close();
  }
});

function run(args: string[]): Promise<string> {
  let text = "";
  const out = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  const program = new Command().exitOverride();
  registerTriageCommand(program, { resolveTarget: () => ({ server: "http://127.0.0.1:9", token: undefined }), out });
  return program.parseAsync(["node", "slipway", ...args]).then(() => text);
}

test("slipway triage offline uses the triage.rules of --config (or ./slipway.yaml); a bad rule is located", async () => {
  const logFile = join(dir, "build.log");
  writeFileSync(logFile, log);
  const config = join(dir, "slipway.yaml");
  writeFileSync(config, serviceYaml(shopRules));
  const withConfig = JSON.parse(await run(["triage", logFile, "--config", config, "--json"])) as { category: string; cause: string };
  assert.equal(withConfig.category, "test");
  assert.equal(withConfig.cause, "the cart saves rows in an order that deadlocks");
  // --rules comes after the config, so its rule with the same id wins.
  const both = JSON.parse(await run(["triage", logFile, "--config", config, "--rules", serverRules, "--json"])) as { category: string };
  assert.equal(both.category, "infrastructure");

  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.match(await run(["triage", "build.log"]), /the cart saves rows in an order that deadlocks/, "./slipway.yaml is read when present");
  } finally {
    process.chdir(cwd);
  }

  const broken = join(dir, "broken.yaml");
  writeFileSync(broken, serviceYaml(["    - id: pg-deadlock", '      match: "deadlock (detected"']));
  await assert.rejects(run(["triage", logFile, "--config", broken]), (err) => {
    assert.ok(isSlipwayError(err) && err.code === "bad_input");
    assert.match(String(err.hint), /broken\.yaml:10:14: triage\.rules\.0\.match: not a valid regular expression/);
    return true;
  });
  const badRules = join(dir, "bad-rules.yaml");
  writeFileSync(badRules, "rules:\n  - id: x\n    match: y\n    category: flakey\n");
  await assert.rejects(run(["triage", logFile, "--rules", badRules]), (err) => isSlipwayError(err) && /bad-rules\.yaml:4:15: rules\.0\.category: found "flakey"/.test(err.message));
});

test("slipway server with a bad --triage-rules file exits 2 naming file:line:column, before starting anything", async () => {
  const badRules = join(dir, "server-bad.yaml");
  writeFileSync(badRules, "rules:\n  - id: x\n    match: \"(unclosed\"\n");
  const data = join(dir, "data-never-created");
  const res = await runCli(["server", "--port", "0", "--data", data, "--triage-rules", badRules]);
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /server-bad\.yaml:3:12: rules\.0\.match: not a valid regular expression/);
  assert.equal(existsSync(data), false, "nothing was started");
});

test("a user's YAML pack teaches triage a tool's structure: its ends-report marker keeps the tool's closing line out of the answer", async () => {
  // A made-up suite runner whose closing line no built-in pack knows.
  const suiteLog = join(dir, "suite.log");
  writeFileSync(suiteLog, "$ ./run-suite\nloading 12 cases\nerror: case 12 crashed\n  expected 4 widgets, found 3\n  suite finished, 1 of 12 cases crashed\n");
  const pack = join(dir, "suite-pack.yaml");
  writeFileSync(pack, ["pack: suite-runner", "rules:", "  - id: suite-finished", "    role: ends-report", "    match: '^\\s*suite finished, \\d+ of \\d+ cases'"].join("\n") + "\n");
  const plain = JSON.parse(await run(["triage", suiteLog, "--json"])) as { ranges: unknown };
  const packed = JSON.parse(await run(["triage", suiteLog, "--rules", pack, "--json"])) as { ranges: unknown };
  assert.deepEqual(plain.ranges, [{ start: 3, end: 5 }]);
  assert.deepEqual(packed.ranges, [{ start: 3, end: 4 }]);
});
