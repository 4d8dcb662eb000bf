import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { SshTargetConfig } from "../../core/index.js";
import { isSlipwayError } from "../../core/index.js";
import { findFreePort } from "../../net/index.js";
import { SshDriver } from "./ssh-driver.js";

let dir: string;
let driver: SshDriver;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-ssh-driver-"));
  await writeFile(join(dir, "known_hosts"), "");
  driver = new SshDriver({ dataDir: dir });
});
after(async () => {
  await driver.close();
  await rm(dir, { recursive: true, force: true });
});

const target = (port: number): SshTargetConfig => ({
  driver: "ssh",
  hosts: ["127.0.0.1", "127.0.0.2"],
  replicas: 2,
  user: "deploy",
  port,
  key: "agent",
  known_hosts: join(dir, "known_hosts"),
  accept_new_host_keys: false,
  max_parallel: 2,
  connect_timeout: 2_000,
  root: "/opt/slipway",
  app_port: 3000,
  on_host_failure: "rollback",
});

test("placement: one replica per host and version, a second version beside the first on the next port", async () => {
  const t = target(22);
  const first = await driver.place({ service: "s", environment: "e", version: "2", target: t, occupied: [{ host: "127.0.0.1", port: 3000, version: "1" }] });
  assert.deepEqual(first, { host: "127.0.0.1", port: 3001 });
  const second = await driver.place({ service: "s", environment: "e", version: "2", target: t, occupied: [{ host: "127.0.0.1", port: 3001, version: "2" }] });
  assert.deepEqual(second, { host: "127.0.0.2", port: 3000 });
  const third = await driver.place({ service: "s", environment: "e", version: "2", target: t, occupied: [{ host: "127.0.0.1", port: 3001, version: "2", state: "stopping" }, { host: "127.0.0.2", port: 3000, version: "2" }] });
  assert.deepEqual(third, { host: "127.0.0.1", port: 3000 }, "a host whose replica of the version is being stopped may take it again, beside it");
  await assert.rejects(
    driver.place({ service: "s", environment: "e", version: "2", target: t, occupied: t.hosts.map((host) => ({ host, port: 3000, version: "2" })) }),
    /every host of s\/e already runs 2/,
  );
});

test("a host nobody answers on is an unavailable error naming the host", async () => {
  const port = await findFreePort("127.0.0.1");
  const handle = { id: "r1", pid: 1, host: "127.0.0.1", port: 3000, logPath: join(dir, "r1.log"), target: target(port) };
  const err = await driver.status(handle).then(() => undefined, (e: unknown) => e);
  assert.ok(isSlipwayError(err), String(err));
  assert.equal(err.code, "unavailable");
  assert.match(err.message, new RegExp(`cannot reach deploy@127\\.0\\.0\\.1:${port} over ssh`));
});
