import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSlipwayError } from "../../core/errors.js";
import { findFreePort } from "../../net/index.js";
import { isProcessAlive, killReplicaTree, listReplicaIds, ProcessDriver } from "../index.js";
import type { ReplicaHandle, ReplicaSpec } from "../types.js";
import { isGroupAlive, waitFor } from "./proc.js";
import { readState, replicaPaths } from "./state-file.js";

const SECRET = "s3cr3t-postgres://checkout:hunter2@db.internal/checkout";
const root = mkdtempSync(join(tmpdir(), "slipway-process-driver-"));
const dataDir = join(root, "data");
const appDir = join(root, "app");
const driver = new ProcessDriver({ dataDir });
let counter = 0;

/** The "app": an HTTP server that shows its environment, prints the secret, and reacts to SIGTERM by mode. */
const APP = `
import http from "node:http";
const mode = process.argv[2] ?? "serve";
console.log("hello from the app, secret=" + process.env.DB_URL);
console.error("stderr also sees " + process.env.DB_URL + " here");
if (mode === "crash") { process.exitCode = 3; }
else {
  const server = http.createServer((req, res) => {
    res.setHeader("connection", "close");
    res.end(JSON.stringify({ LOG_LEVEL: process.env.LOG_LEVEL, DB_URL: process.env.DB_URL, LEAK: process.env.SLIPWAY_TEST_LEAK ?? null }));
  });
  server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening on " + process.env.PORT));
  process.on("SIGTERM", () => {
    if (mode === "stubborn") { console.log("ignoring SIGTERM"); return; }
    console.log("got SIGTERM");
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
`;

/** Starts a ProcessDriver in a separate node process (via tsx), prints the handle, then waits to be killed. */
const STARTER = `
const [indexUrl, dataDir, specJson] = process.argv.slice(2);
const { ProcessDriver } = await import(indexUrl);
const handle = await new ProcessDriver({ dataDir }).start(JSON.parse(specJson));
process.stdout.write(JSON.stringify(handle) + "\\n");
setInterval(() => {}, 60_000);
`;

async function specFor(mode: string, overrides: Partial<ReplicaSpec> = {}): Promise<ReplicaSpec> {
  const id = `r${process.pid}x${++counter}`;
  return {
    id,
    service: "hello",
    environment: "dev",
    version: "1.0.0",
    workdir: appDir,
    artifact: { path: join(appDir, "unused.tgz"), digest: "0".repeat(64) },
    target: { driver: "process", replicas: 1 },
    command: `"${process.execPath}" app.mjs ${mode}`,
    portEnv: "PORT",
    host: "127.0.0.1",
    port: await findFreePort(),
    env: { LOG_LEVEL: "debug" },
    secrets: { DB_URL: SECRET },
    logPath: join(dataDir, "logs", `${id}.log`),
    shutdown: { signal: "SIGTERM", graceMs: 5_000 },
    ...overrides,
  };
}

async function get(port: number): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return (await res.json()) as Record<string, unknown>;
}

/** Waits (bounded) until the replica answers HTTP. */
async function untilServing(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await get(port);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function refused(port: number): Promise<boolean> {
  try {
    await get(port);
    return false;
  } catch {
    return true;
  }
}

const logOf = (handle: ReplicaHandle) => readFileSync(handle.logPath, "utf8");

before(() => {
  mkdirSync(appDir, { recursive: true });
  writeFileSync(join(appDir, "app.mjs"), APP);
  writeFileSync(join(root, "starter.mjs"), STARTER);
  process.env.SLIPWAY_TEST_LEAK = "the control plane's own environment";
});

after(async () => {
  // Whatever a failed test left running.
  for (const id of listReplicaIds(dataDir)) await killReplicaTree(dataDir, id);
  rmSync(root, { recursive: true, force: true });
  delete process.env.SLIPWAY_TEST_LEAK;
});

describe("ProcessDriver", () => {
  test("a replica serves on its port with its config and secret, in a clean environment", async () => {
    const spec = await specFor("serve");
    const handle = await driver.start(spec);
    try {
      assert.equal(handle.port, spec.port);
      await untilServing(handle.port);
      assert.deepEqual(await get(handle.port), { LOG_LEVEL: "debug", DB_URL: SECRET, LEAK: null });
      assert.equal((await driver.status(handle)).state, "running");
      // start() again with the same id is a no-op that returns the running replica.
      assert.deepEqual(await driver.start(spec), handle);
    } finally {
      await driver.stop(handle, spec.shutdown);
    }
    assert.ok(await refused(handle.port));
    assert.equal((await driver.status(handle)).state, "exited");
  });

  test("the secret value is redacted from the log and written to no file, other output is kept", async () => {
    const spec = await specFor("serve");
    const handle = await driver.start(spec);
    await untilServing(handle.port);
    await driver.stop(handle, spec.shutdown);
    const log = logOf(handle);
    assert.match(log, /^\S+Z out hello from the app, secret=\[REDACTED\]$/m);
    assert.match(log, /^\S+Z err stderr also sees \[REDACTED\] here$/m);
    assert.match(log, /out got SIGTERM/);
    const { dir } = replicaPaths(dataDir, spec.id);
    for (const file of [handle.logPath, ...readdirSync(dir).map((name) => join(dir, name))]) {
      assert.ok(!readFileSync(file, "utf8").includes("hunter2"), `${file} must not contain the secret`);
    }
    assert.ok(readFileSync(join(dir, "spec.json"), "utf8").includes('"DB_URL"'), "spec.json names the secret variable");
  });

  test("a crashing app is restarted with back-off and the restarts are reported", async () => {
    const spec = await specFor("crash");
    const handle = await driver.start(spec);
    try {
      assert.ok(await waitFor(() => (readState(replicaPaths(dataDir, spec.id).state)?.restarts ?? 0) >= 2, 20_000));
      const status = await driver.status(handle);
      assert.ok(status.restarts >= 2);
      assert.equal(status.lastExit?.code, 3);
      assert.notEqual(status.state, "exited");
      const log = logOf(handle);
      assert.match(log, /sys \[slipway\] exited with code 3, restart #1 in 250ms/);
      assert.match(log, /sys \[slipway\] exited with code 3, restart #2 in 500ms/);
    } finally {
      await driver.stop(handle, spec.shutdown);
    }
    assert.equal((await driver.status(handle)).state, "exited");
  });

  test("an app that ignores the shutdown signal is killed after the grace period", async () => {
    const spec = await specFor("stubborn", { shutdown: { signal: "SIGTERM", graceMs: 300 } });
    const handle = await driver.start(spec);
    await untilServing(handle.port);
    const appPgid = readState(replicaPaths(dataDir, spec.id).state)?.appPgid ?? 0;
    await driver.stop(handle, spec.shutdown);
    assert.ok(!isGroupAlive(appPgid));
    assert.ok(!isProcessAlive(handle.pid));
    assert.ok(await refused(handle.port));
    const log = logOf(handle);
    assert.match(log, /out ignoring SIGTERM/);
    assert.match(log, /sys \[slipway\] still running after 300ms, sending SIGKILL/);
    // Stopping a replica that is gone is fine.
    await driver.stop(handle, spec.shutdown);
  });

  test("a replica survives a kill -9 of the process that started it, and is stopped from elsewhere", async () => {
    const spec = await specFor("serve");
    const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
    const indexUrl = pathToFileURL(fileURLToPath(new URL("../index.ts", import.meta.url))).href;
    const starter = spawn(process.execPath, ["--import", "tsx", join(root, "starter.mjs"), indexUrl, dataDir, JSON.stringify(spec)], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      starter.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.trim());
      });
      starter.once("exit", (code) => reject(new Error(`starter exited with ${code} before starting the replica`)));
    });
    const handle = JSON.parse(line) as ReplicaHandle;
    const exited = new Promise((resolve) => starter.once("exit", resolve));
    starter.kill("SIGKILL");
    await exited;

    await untilServing(handle.port);
    assert.equal((await get(handle.port)).DB_URL, SECRET);
    assert.equal((await driver.status(handle)).state, "running");
    await driver.stop(handle, spec.shutdown);
    assert.ok(await refused(handle.port));
    assert.ok(!isProcessAlive(handle.pid));
    assert.match(logOf(handle), /out got SIGTERM/);
  });

  test("killReplicaTree kills an app whose shim was killed with SIGKILL", async () => {
    const spec = await specFor("stubborn");
    const handle = await driver.start(spec);
    await untilServing(handle.port);
    const appPgid = readState(replicaPaths(dataDir, spec.id).state)?.appPgid ?? 0;
    process.kill(handle.pid, "SIGKILL");
    assert.ok(await waitFor(() => !isProcessAlive(handle.pid), 5_000));
    assert.equal((await driver.status(handle)).state, "exited");
    assert.ok(isGroupAlive(appPgid), "the app outlives its shim until swept");
    assert.equal(await killReplicaTree(dataDir, spec.id), true);
    assert.ok(!isGroupAlive(appPgid));
    assert.equal(await killReplicaTree(dataDir, spec.id), false);
  });

  test("a missing working directory or command is a clear error", async () => {
    const noDir = await specFor("serve", { workdir: join(root, "nowhere") });
    await assert.rejects(driver.start(noDir), (err: unknown) => isSlipwayError(err) && /working directory .*nowhere/.test(err.message));

    const noCmd = await specFor("serve", { command: "definitely-not-a-slipway-command --serve" });
    try {
      const handle = await driver.start(noCmd);
      // The shim may report the app running before sh finds out the command does not exist.
      assert.ok(await waitFor(() => readState(replicaPaths(dataDir, noCmd.id).state)?.state === "failed", 10_000));
      assert.equal((await driver.status(handle)).state, "exited");
    } catch (err) {
      assert.ok(isSlipwayError(err) && /command not found/.test(err.message), String(err));
    }
    assert.match(readState(replicaPaths(dataDir, noCmd.id).state)?.error ?? "", /command not found \(exit 127\)/);
  });
});
