import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem, parseServiceConfig } from "./index.js";
import type { ConfigProblem } from "./index.js";

const yaml = (...lines: string[]) => lines.join("\n") + "\n";
const HEAD = ["service: hello", "owner: team-a"];

const at = (p: ConfigProblem) => `${p.file}:${p.line}:${p.column}`;

function problemsOf(text: string): ConfigProblem[] {
  const result = parseServiceConfig(text, "slipway.yaml");
  assert.equal(result.config, undefined, "a file with errors yields no config");
  return result.errors;
}

test("a script target parses with its defaults, and a service of script targets needs no run", () => {
  const result = parseServiceConfig(
    yaml(...HEAD, "environments:", "  prod:", "    target:", "      driver: script", '      deploy: "helm upgrade --install app ./chart --set image.tag=$SLIPWAY_VERSION"', "      timeout: 5m"),
    "slipway.yaml",
  );
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.config!.environments.prod!.target, {
    driver: "script",
    deploy: "helm upgrade --install app ./chart --set image.tag=$SLIPWAY_VERSION",
    timeout: 300_000,
    retries: 3,
    retry_backoff: 5_000,
    shell: "/bin/sh",
  });
  assert.equal(result.config!.run, undefined);
});

test("a missing deploy command, a misspelt key and an unbounded timeout point at their lines", () => {
  const problems = problemsOf(
    yaml(...HEAD, "environments:", "  prod:", "    target:", "      driver: script", "      rollbak: ./undo.sh", "      timeout: 48h"),
  );
  const text = problems.map((p) => formatProblem(p)).join("\n");
  const missing = problems.find((p) => p.message.includes("deploy"));
  assert.ok(missing, text);
  assert.match(missing.message, /missing required key environments\.prod\.target\.deploy/);
  const typo = problems.find((p) => p.path === "environments.prod.target.rollbak");
  assert.ok(typo, text);
  assert.equal(at(typo), "slipway.yaml:7:7");
  assert.match(`${typo.message} ${typo.hint ?? ""}`, /rollback/);
  const timeout = problems.find((p) => p.path === "environments.prod.target.timeout");
  assert.ok(timeout, text);
  assert.match(timeout.message, /at most 6h/);
  assert.equal(at(timeout), "slipway.yaml:8:16");
});

test("a canary, router metrics and probes without a url are refused for a script target", () => {
  const problems = problemsOf(
    yaml(
      ...HEAD,
      "environments:",
      "  prod:",
      "    target: { driver: script, deploy: ./deploy.sh }",
      "    strategy: { type: canary, steps: [{ weight: 10 }] }",
      "    verify:",
      "      probes: [{ http: /healthz }]",
      "      analysis: { metrics: [{ name: error-rate, max: 0.01 }] }",
    ),
  );
  const text = problems.map((p) => formatProblem(p)).join("\n");
  const canary = problems.find((p) => p.path === "environments.prod.strategy.type");
  assert.ok(canary, text);
  assert.match(canary.message, /cannot run a canary strategy/);
  assert.equal(at(canary), "slipway.yaml:6:23");
  assert.ok(problems.some((p) => p.path === "environments.prod.verify.probes" && /target\.url/.test(p.message)), text);
  assert.ok(problems.some((p) => p.path.startsWith("environments.prod.verify.analysis.metrics.0") && /router/.test(p.message)), text);
});

test("a process target still needs run", () => {
  const problems = problemsOf(yaml(...HEAD, "environments:", "  dev: {}"));
  const run = problems.find((p) => p.path === "run");
  assert.ok(run, problems.map((p) => formatProblem(p)).join("\n"));
  assert.match(run.message, /missing required key run/);
});

test("an unknown driver names the drivers there are", () => {
  const problems = problemsOf(yaml(...HEAD, "run: { command: node s.js }", "environments:", "  dev:", "    target: { driver: scirpt }"));
  const driver = problems.find((p) => p.path === "environments.dev.target.driver");
  assert.ok(driver, problems.map((p) => formatProblem(p)).join("\n"));
  assert.deepEqual(driver.allowed, ["process", "ssh", "script"]);
  assert.match(formatProblem(driver), /did you mean "script"/);
});
