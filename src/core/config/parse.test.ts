import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatProblem, formatProblems, parseServiceConfig } from "./index.js";
import type { ConfigProblem, ConfigResult } from "./index.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/config/", import.meta.url));

/** Lines joined with newlines, so each test can show the file it parses line by line. */
const yaml = (...lines: string[]) => lines.join("\n") + "\n";

const HEAD = ["service: hello", "owner: team-a"];
const RUN = ["run:", "  command: node server.js", "  readiness: { http: /healthz }"];

function only(problems: ConfigProblem[], path: string): ConfigProblem {
  const found = problems.filter((p) => p.path === path);
  assert.equal(found.length, 1, `expected one problem at ${path}, got: ${JSON.stringify(problems, null, 1)}`);
  return found[0]!;
}

function at(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}`;
}

function errorsOf(text: string): ConfigResult {
  const result = parseServiceConfig(text, "slipway.yaml");
  assert.equal(result.config, undefined, "a file with errors yields no config");
  assert.ok(result.errors.length > 0);
  return result;
}

test("the DESIGN.md example (without requires/windows) parses, with defaults, ms and fractions", () => {
  const text = readFileSync(`${FIXTURES}full.yaml`, "utf8");
  const result = parseServiceConfig(text, "full.yaml");
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, []);
  const config = result.config!;
  assert.equal(config.service, "checkout-api");
  assert.deepEqual(config.run!.readiness, { http: "/healthz", interval: 250, timeout: 30_000 });
  assert.deepEqual(config.run!.shutdown, { signal: "SIGTERM", grace: 20_000 });
  assert.deepEqual(Object.keys(config.environments), ["dev", "staging", "prod"]);
  assert.deepEqual(config.environments.prod!.strategy, {
    type: "canary",
    steps: [{ weight: 10, pause: 120_000 }, { weight: 50, pause: 300_000 }, { weight: 100 }],
  });
  assert.deepEqual(config.environments.staging!.target, { driver: "process", replicas: 1 }, "target defaults apply");
  const metrics = config.environments.prod!.verify.analysis!.metrics;
  assert.equal(metrics[1]!.max_increase, 0.2);
  assert.equal(config.environments.prod!.rollback, "auto");
  assert.deepEqual(config.config.prod, { LOG_LEVEL: "info", DB_URL: { secret: "env:CHECKOUT_DB_URL" } });
  assert.equal(config.build!.stages[1]!.timeout, 600_000);
});

test("a wrong type names the key, what was found and what was expected", () => {
  const { errors } = errorsOf(yaml(...HEAD, ...RUN, "environments:", "  dev:", "    target: { replicas: two }"));
  const p = only(errors, "environments.dev.target.replicas");
  assert.equal(at(p), "slipway.yaml:8:25");
  assert.equal(p.message, 'found "two", expected a number');
  assert.equal(p.found, '"two"');
});

test("an unknown key points at the key and suggests the one the schema allows there", () => {
  const { errors } = errorsOf(yaml(...HEAD, "run:", "  comand: node server.js", "environments:", "  dev: {}"));
  const p = only(errors, "run.comand");
  assert.equal(at(p), "slipway.yaml:4:3");
  assert.equal(p.message, 'unknown key "comand" under run; did you mean "command"?');
  assert.deepEqual(p.allowed, ["command", "port_env", "readiness", "shutdown", "user"]);
  // The typo also leaves run.command missing; both are reported.
  assert.match(only(errors, "run.command").message, /^missing required key run\.command/);
});

test("an unknown key with no close match lists the allowed keys", () => {
  const { errors } = errorsOf(yaml(...HEAD, ...RUN, "environments:", "  dev:", "    strategy: { type: canary, steps: [{ weight: 100 }], speed: fast }"));
  const p = only(errors, "environments.dev.strategy.speed");
  assert.equal(at(p), "slipway.yaml:8:57");
  assert.equal(p.message, 'unknown key "speed" under environments.dev.strategy; allowed: type, steps');
});

test("a bad duration says what a duration looks like", () => {
  const { errors } = errorsOf(yaml(...HEAD, "run:", "  command: node server.js", "  readiness:", "    http: /healthz", "    interval: 5x", "environments:", "  dev: {}"));
  const p = only(errors, "run.readiness.interval");
  assert.equal(at(p), "slipway.yaml:7:15");
  assert.match(p.message, /^found "5x", expected a duration: a number and a unit ms, s, m, h or d/);
  assert.equal(
    formatProblem(p),
    'slipway.yaml:7:15: run.readiness.interval: found "5x", expected a duration: a number and a unit ms, s, m, h or d (e.g. 250ms, 10s, 2m)',
  );
});

test("a missing run command points at run and says what the key is for", () => {
  const { errors } = errorsOf(yaml(...HEAD, "run:", "  port_env: PORT", "environments:", "  dev: {}"));
  const p = only(errors, "run.command");
  assert.equal(at(p), "slipway.yaml:3:1");
  assert.equal(p.message, "missing required key run.command: the command that starts the service (e.g. node server.js)");
  assert.equal(formatProblem(p).split("\n")[0], `slipway.yaml:3:1: ${p.message}`);
});

test("an empty value is reported at its key, not past the end of the line", () => {
  const { errors } = errorsOf(yaml(...HEAD, "run:", "  command:", "environments:", "  dev: {}"));
  const p = only(errors, "run.command");
  assert.equal(at(p), "slipway.yaml:4:3");
  assert.match(p.message, /^found an empty value, expected the command that starts the service/);
});

test("a bad enum value lists the allowed values and guesses the intended one", () => {
  const text = yaml(...HEAD, ...RUN, "environments:", "  dev:", "    strategy:", "      type: blue_green");
  const { errors } = errorsOf(text);
  const p = only(errors, "environments.dev.strategy.type");
  assert.equal(at(p), "slipway.yaml:9:13");
  assert.deepEqual(p.allowed, ["rolling", "blue-green", "canary"]);
  assert.equal(
    formatProblem(p),
    'slipway.yaml:9:13: environments.dev.strategy.type: found "blue_green"; allowed: rolling, blue-green, canary\n' +
      '    hint: did you mean "blue-green"?',
  );
});

test("YAML syntax errors are located and stop schema checks", () => {
  const duplicate = errorsOf(yaml(...HEAD, "run:", "  command: node server.js", "  command: node other.js", "environments:", "  dev: {}"));
  assert.equal(duplicate.errors.length, 1);
  assert.equal(formatProblem(duplicate.errors[0]!).split("\n")[0], "slipway.yaml:5:3: YAML: Map keys must be unique");
  const tab = errorsOf(yaml(...HEAD, "run:", "\tcommand: node server.js", "environments:", "  dev: {}"));
  assert.equal(at(tab.errors[0]!), "slipway.yaml:4:1");
  assert.match(tab.errors[0]!.message, /^YAML: Tabs are not allowed as indentation/);
  // An unclosed flow list is noticed where the next key starts.
  const unclosed = errorsOf(yaml(...HEAD, "run:", "  command: [node server.js", "environments:", "  dev: {}"));
  assert.equal(unclosed.errors[0]!.path, "");
  assert.equal(at(unclosed.errors[0]!), "slipway.yaml:5:1");
  assert.match(unclosed.errors[0]!.message, /end with a \]/);
});

test("several errors come back together, in file order", () => {
  const text = yaml(
    "service: Hello",
    "owner: team-a",
    "run:",
    "  readiness: { http: healthz, timeout: 30 }",
    "environments:",
    "  dev:",
    "    rollback: never",
    "    target: { replicas: 0 }",
  );
  const { errors } = errorsOf(text);
  assert.deepEqual(
    errors.map((p) => `${p.line}:${p.column} ${p.path}`),
    [
      "1:10 service",
      "3:1 run.command",
      "4:22 run.readiness.http",
      "4:40 run.readiness.timeout",
      "7:15 environments.dev.rollback",
      "8:25 environments.dev.target.replicas",
    ],
  );
  assert.match(only(errors, "run.readiness.timeout").message, /^found 30, expected a duration/);
  assert.equal(only(errors, "environments.dev.rollback").message, 'found "never"; allowed: auto, manual');
  assert.equal(only(errors, "environments.dev.target.replicas").message, "found 0, expected at least 1");
  assert.equal(formatProblems({ errors, warnings: [] }).length, errors.length);
});

test("config for an undeclared environment is an error with a did-you-mean", () => {
  const text = yaml(...HEAD, ...RUN, "environments:", "  dev: {}", "  prod: {}", "config:", "  prd:", "    LOG_LEVEL: info");
  const { errors } = errorsOf(text);
  const p = only(errors, "config.prd");
  assert.equal(at(p), "slipway.yaml:10:3");
  assert.equal(p.message, 'config for "prd", which is not an environment under environments; did you mean "prod"?');
  assert.deepEqual(p.allowed, ["dev", "prod"]);
});

test("canary weights that go down are an error; a last step below 100 is a warning", () => {
  const text = yaml(...HEAD, ...RUN, "environments:", "  prod:", "    strategy:", "      type: canary",
    "      steps: [{ weight: 50, pause: 1m }, { weight: 20, pause: 1m }]");
  const result = errorsOf(text);
  const down = only(result.errors, "environments.prod.strategy.steps.1.weight");
  assert.equal(at(down), "slipway.yaml:10:52");
  assert.match(down.message, /canary weight goes down from 50 to 20/);
  const last = only(result.warnings, "environments.prod.strategy.steps.1.weight");
  assert.match(last.message, /last step sends 20% of traffic; .*switches 100% to the new version/);
  assert.match(formatProblems(result).at(-1)!, /^slipway\.yaml:10:52: warning: /m);
});

test("warnings: no readiness probe, and a secret-looking plain value; env: references are fine", () => {
  const text = yaml(...HEAD, "run:", "  command: node server.js", "environments:", "  dev: {}", "config:", "  dev:",
    "    API_TOKEN: abc123", "    DB_URL: { secret: env:SURELY_NOT_SET_ANYWHERE }", "    TOKEN_TTL: 3600", "    KEYBOARD: us");
  const result = parseServiceConfig(text, "slipway.yaml");
  assert.deepEqual(result.errors, []);
  assert.ok(result.config);
  assert.deepEqual(result.warnings.map((w) => w.path), ["run", "config.dev.API_TOKEN"]);
  assert.match(result.warnings[0]!.message, /no readiness check: a replica counts as ready once its process stays up/);
  assert.equal(at(result.warnings[1]!), "slipway.yaml:9:16");
  assert.match(result.warnings[1]!.hint!, /API_TOKEN: \{ secret: env:API_TOKEN \}/);
});

test("router metrics must be ones the router measures; prometheus metrics need a query", () => {
  const text = yaml(...HEAD, ...RUN, "environments:", "  prod:", "    verify:", "      analysis:", "        metrics:",
    "          - { name: error_rate, max: 0.01 }", "          - { name: orders, source: prometheus, max: 5 }");
  const { errors } = errorsOf(text);
  const name = only(errors, "environments.prod.verify.analysis.metrics.0.name");
  assert.equal(at(name), "slipway.yaml:11:21");
  assert.equal(name.hint, 'did you mean "error-rate"?');
  const query = only(errors, "environments.prod.verify.analysis.metrics.1.query");
  assert.match(query.message, /^missing required key .*metrics\.1\.query: a prometheus metric needs a PromQL query/);
});

test("an empty file and a file that is not a mapping are errors at 1:1", () => {
  assert.match(errorsOf("").errors[0]!.message, /the file is empty/);
  const list = errorsOf("- a\n").errors[0]!;
  assert.equal(at(list), "slipway.yaml:1:1");
  assert.match(list.message, /^found a list, expected a mapping with the keys service, owner/);
});

test("an environment left empty gets a hint to write {} for the defaults", () => {
  const { errors } = errorsOf(yaml(...HEAD, ...RUN, "environments:", "  dev:", "  prod: {}"));
  const p = only(errors, "environments.dev");
  assert.equal(at(p), "slipway.yaml:7:3");
  assert.match(p.message, /^found an empty value, expected a mapping with the keys target, strategy, verify, rollback, production, incidents, requires and windows/);
  assert.equal(p.hint, "write dev: {} to take every default");
});
