import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem, parseServiceConfig, parseTriageRules } from "./index.js";

const yaml = (...lines: string[]) => lines.join("\n") + "\n";
const SERVICE = ["service: hello", "owner: team-a", "run:", "  command: node server.js", "environments:", "  dev: {}"];

test("triage.rules in slipway.yaml are parsed with the rule defaults", () => {
  const result = parseServiceConfig(yaml(...SERVICE, "triage:", "  rules:", "    - id: db-deadlock", '      match: "deadlock detected"', "      category: infrastructure"), "slipway.yaml");
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.config?.triage?.rules, [{ id: "db-deadlock", match: "deadlock detected", category: "infrastructure", score: 5 }]);
});

test("a bad triage rule in slipway.yaml is located at file:line:column and says what would fix it", () => {
  const result = parseServiceConfig(yaml(...SERVICE, "triage:", "  rules:", "    - id: broken", '      match: "exit code (\\\\d+"', "      category: flakey"), "slipway.yaml");
  const lines = result.errors.map((p) => formatProblem(p));
  assert.ok(lines.some((l) => /^slipway\.yaml:10:14: triage\.rules\.0\.match: .*not a valid regular expression/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /^slipway\.yaml:11:17: triage\.rules\.0\.category: .*"flakey".*infrastructure/.test(l)), lines.join("\n"));
});

test("a rules file is a list or { rules: [...] }; its errors are located too", () => {
  assert.equal(parseTriageRules("- id: a\n  match: x\n", "rules.yaml").rules?.length, 1);
  assert.equal(parseTriageRules("rules:\n  - id: a\n    match: x\n    score: 8\n", "rules.yaml").rules?.[0]?.score, 8);
  const bad = parseTriageRules("rules:\n  - id: a\n    match: x\n    scroe: 8\n", "rules.yaml");
  assert.equal(bad.rules, undefined);
  assert.match(formatProblem(bad.errors[0]!), /^rules\.yaml:4:5: .*scroe.*score/);
  const syntax = parseTriageRules("rules:\n  - id: a\n   match: [x\n", "rules.yaml");
  assert.match(formatProblem(syntax.errors[0]!), /^rules\.yaml:\d+:\d+: YAML: /);
});

test("a rules file may be a pack: its name goes on every rule, roles are checked against the score, and a marker takes no scoring fields", () => {
  const pack = parseTriageRules(yaml("pack: widget-runner", "rules:", "  - id: widget-done", "    role: ends-report", '    match: "^widgets checked: \\\\d+"', "  - id: widget-broken", "    match: \"widget \\\\d+ is broken\"", "    score: 7"), "widgets.yaml");
  assert.deepEqual(pack.errors, []);
  assert.deepEqual(pack.rules?.map((r) => [r.id, r.pack, r.role]), [["widget-done", "widget-runner", "ends-report"], ["widget-broken", "widget-runner", undefined]]);
  const noisy = parseTriageRules(yaml("rules:", "  - id: quiet", '    match: "widget chatter"', "    score: 3", "    role: noise"), "widgets.yaml");
  assert.match(formatProblem(noisy.errors[0]!), /^widgets\.yaml:5:11: rules\.0\.role: role "noise" needs a score below 0 \(score is 3\); or use role failure/);
  const marker = parseTriageRules(yaml("rules:", "  - id: done", '    match: "^widgets checked"', "    role: ends-report", "    category: test"), "widgets.yaml");
  assert.match(formatProblem(marker.errors[0]!), /^widgets\.yaml:5:15: rules\.0\.category: a ends-report marker never scores nor classifies/);
  // The verdict that warnings were fatal may say which kind of check failed.
  const verdict = parseTriageRules(yaml("rules:", "  - id: widget-lint-limit", '    match: "too many widget warnings"', "    role: warnings-fatal", "    category: lint"), "widgets.yaml");
  assert.deepEqual(verdict.errors, []);
  const unknown = parseTriageRules(yaml("rules:", "  - id: done", '    match: "^widgets checked"', "    role: finishes"), "widgets.yaml");
  assert.match(formatProblem(unknown.errors[0]!), /^widgets\.yaml:4:11: rules\.0\.role: .*"finishes".*ends-report/);
});
