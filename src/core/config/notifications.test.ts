import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem, parseNotificationsFile, parseServiceConfig } from "./index.js";

const yaml = (...lines: string[]) => lines.join("\n") + "\n";
const SERVICE = ["service: hello", "owner: team-a", "run:", "  command: node server.js", "environments:", "  prod: {}"];

test("notifications in slipway.yaml: destinations by secret reference, routes by event and environment", () => {
  const result = parseServiceConfig(
    yaml(...SERVICE, "notifications:", "  destinations:", "    team-slack: { type: slack, url: { secret: env:SLACK_URL } }", "  routes:", "    - events: [deployment.failed, deployment.rolled_back]", "      environments: [prod]", "      to: [team-slack]"),
    "slipway.yaml",
  );
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.config?.notifications, {
    destinations: { "team-slack": { type: "slack", url: { secret: "env:SLACK_URL" } } },
    routes: [{ events: ["deployment.failed", "deployment.rolled_back"], environments: ["prod"], to: ["team-slack"] }],
  });
});

test("a plain URL, an unknown event, a webhook without a key and an undeclared destination are located errors", () => {
  const result = parseServiceConfig(
    yaml(
      ...SERVICE,
      "notifications:",
      "  destinations:",
      "    slack: { type: slack, url: https://hooks.slack.com/services/T/B/X }",
      "    hook: { type: webhook, url: { secret: env:HOOK_URL } }",
      "  routes:",
      "    - events: [deployment.exploded]",
      "      to: [slack, pager]",
    ),
    "slipway.yaml",
  );
  const lines = result.errors.map((p) => formatProblem(p));
  const text = lines.join("\n");
  assert.match(text, /^slipway\.yaml:9:\d+: notifications\.destinations\.slack\.url: a secret reference is needed here/m);
  assert.ok(!text.includes("hooks.slack.com"), "the error repeats the URL it refuses");
  assert.match(text, /^slipway\.yaml:10:\d+: missing required key notifications\.destinations\.hook\.key: .*signing key/m);
  assert.match(text, /^slipway\.yaml:12:\d+: notifications\.routes\.0\.events\.0: .*deployment\.exploded/m);
  assert.equal(result.config, undefined);
});

test("a route naming a destination that is not declared says which are", () => {
  const result = parseServiceConfig(yaml(...SERVICE, "notifications:", "  destinations:", "    slack: { type: slack, url: { secret: env:S } }", "  routes:", "    - events: [gate.refused]", "      to: [slack, pager]"), "slipway.yaml");
  const lines = result.errors.map((p) => formatProblem(p));
  assert.ok(lines.some((l) => /^slipway\.yaml:12:\d+: notifications\.routes\.0\.to\.1: no destination named pager; declared: slack/.test(l)), lines.join("\n"));
});

test("a server-wide notifications file has the same shape and located errors", () => {
  const ok = parseNotificationsFile("destinations:\n  ops: { type: webhook, url: { secret: env:U }, key: { secret: file:/k } }\nroutes:\n  - events: [incident.opened]\n    services: [checkout]\n    to: [ops]\n", "n.yaml");
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.config?.routes[0]?.services, ["checkout"]);
  const bad = parseNotificationsFile("destinations: {}\nroutes:\n  - events: [incident.opened]\n    too: [ops]\n", "n.yaml");
  assert.equal(bad.config, undefined);
  assert.ok(bad.errors.some((e) => /^n\.yaml:4:5: /.test(formatProblem(e))), bad.errors.map((e) => formatProblem(e)).join("\n"));
});
