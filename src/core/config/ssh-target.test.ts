import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProblems, parseServiceConfig } from "./index.js";

const yaml = (...lines: string[]) => ["service: web", "owner: team-a", "run:", "  command: node server.js", ...lines].join("\n") + "\n";

test("an ssh target parses with its defaults, one replica per host", () => {
  const result = parseServiceConfig(
    yaml(
      "environments:",
      "  prod:",
      "    target:",
      "      driver: ssh",
      "      hosts: [10.0.0.11, 10.0.0.12]",
      "      user: deploy",
      "      key: { file: /etc/slipway/id }",
      "      known_hosts: /etc/slipway/known_hosts",
      "      balancer: { haproxy: { socket: /run/haproxy.sock, backend: web } }",
      "      on_host_failure: { continue_below: 10% }",
    ),
    "slipway.yaml",
  );
  assert.deepEqual(result.errors, []);
  const target = result.config!.environments.prod!.target;
  assert.equal(target.driver, "ssh");
  assert.equal(target.replicas, 2);
  if (target.driver !== "ssh") return;
  assert.equal(target.port, 22);
  assert.equal(target.max_parallel, 8);
  assert.equal(target.accept_new_host_keys, false);
  assert.deepEqual(target.on_host_failure, { continue_below: 0.1 });
});

test("a process target still parses without naming its driver", () => {
  const result = parseServiceConfig(yaml("environments:", "  dev:", "    target: { replicas: 2 }"), "slipway.yaml");
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.config!.environments.dev!.target, { driver: "process", replicas: 2 });
});

test("an ssh target without a known_hosts file, or with a repeated host, is refused clearly", () => {
  const result = parseServiceConfig(
    yaml("environments:", "  prod:", "    target: { driver: ssh, hosts: [a, a], user: deploy, key: agent }"),
    "slipway.yaml",
  );
  assert.equal(result.config, undefined);
  const text = formatProblems(result).join("\n");
  assert.match(text, /known_hosts/);
  assert.match(text, /each host may appear once/);
});
