import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { makeRedactor, REDACTED } from "../core/index.js";
import { runSmokeCommand, SMOKE_OUTPUT_LIMIT } from "./smoke.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-smoke-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Alive means running: a zombie nobody has reaped yet (no init in a container) is dead. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** SIGKILL is delivered asynchronously; give the kernel a moment (not a timing assertion). */
async function eventuallyDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return !alive(pid);
}

describe("runSmokeCommand", () => {
  test("exit 0 passes and keeps stdout and stderr", async () => {
    const r = await runSmokeCommand("echo to-stdout; echo to-stderr >&2; pwd", { cwd: dir, timeoutMs: 10_000 });
    assert.equal(r.ok, true, r.detail);
    assert.equal(r.exitCode, 0);
    assert.equal(r.detail, "exit 0");
    assert.match(r.output, /to-stdout/);
    assert.match(r.output, /to-stderr/);
    assert.ok(r.output.includes(dir), "runs in cwd");
    assert.equal(r.check, "smoke echo to-stdout; echo to-stderr >&2; pwd");
  });

  test("a non-zero exit fails with its code", async () => {
    const r = await runSmokeCommand("echo 'checkout returned 500'; exit 3", { cwd: dir, timeoutMs: 10_000 });
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 3);
    assert.equal(r.detail, "exited with code 3");
    assert.match(r.output, /checkout returned 500/);
  });

  test("a timeout kills the whole process group, grandchildren included", async () => {
    const pidFile = join(dir, "grandchild.pid");
    const r = await runSmokeCommand(`sleep 300 & echo $! > ${pidFile}; echo started; wait`, {
      cwd: dir,
      timeoutMs: 300,
    });
    assert.equal(r.ok, false);
    assert.equal(r.timedOut, true);
    assert.equal(r.detail, "timed out after 300ms; process group killed");
    assert.match(r.output, /started/);
    const grandchild = Number(readFileSync(pidFile, "utf8").trim());
    assert.equal(await eventuallyDead(grandchild), true, `sleep ${grandchild} survived`);
  });

  test("background processes left behind by a finished command are killed", async () => {
    const pidFile = join(dir, "leftover.pid");
    const r = await runSmokeCommand(`sleep 300 >/dev/null 2>&1 & echo $! > ${pidFile}`, { cwd: dir, timeoutMs: 10_000 });
    assert.equal(r.ok, true, r.detail);
    assert.equal(await eventuallyDead(Number(readFileSync(pidFile, "utf8").trim())), true);
  });

  test("the environment is passed and secrets are redacted from output and command", async () => {
    const secret = "s3cr3t-t0ken-value";
    const r = await runSmokeCommand(`echo "token=$API_TOKEN"; echo ${secret} >&2; exit 1`, {
      cwd: dir,
      env: { PATH: process.env.PATH, API_TOKEN: secret },
      timeoutMs: 10_000,
      redact: makeRedactor([secret]),
    });
    assert.equal(r.ok, false);
    assert.ok(!r.output.includes(secret));
    assert.ok(!r.check.includes(secret));
    assert.match(r.output, new RegExp(`token=${REDACTED.replace(/[[\]]/g, "\\$&")}`));
  });

  test("long output keeps the last 64 KiB, and no fragment of a secret survives the cut", async () => {
    const secret = "s3cr3t-t0ken-value";
    const r = await runSmokeCommand(`yes ${secret} | head -n 20000; echo; echo the-last-line`, {
      cwd: dir,
      timeoutMs: 30_000,
      redact: makeRedactor([secret]),
    });
    assert.equal(r.ok, true, r.detail);
    assert.equal(r.outputTruncated, true);
    assert.ok(Buffer.byteLength(r.output) <= SMOKE_OUTPUT_LIMIT);
    assert.ok(Buffer.byteLength(r.output) > SMOKE_OUTPUT_LIMIT / 2, "redaction shrinks text; the tail still fills most of the limit");
    assert.match(r.output, /the-last-line\n$/);
    for (const fragment of ["s3cr", "cr3t", "t-t0", "0ken", "-value", "alue"]) {
      assert.ok(!r.output.includes(fragment), `output contains "${fragment}"`);
    }
  });

  test("an abort kills the command", async () => {
    const controller = new AbortController();
    const running = runSmokeCommand("echo waiting; sleep 300", { cwd: dir, timeoutMs: 60_000, signal: controller.signal });
    setImmediate(() => controller.abort());
    const r = await running;
    assert.equal(r.ok, false);
    assert.equal(r.detail, "cancelled; process group killed");
  });

  test("a missing working directory is reported, not thrown", async () => {
    const r = await runSmokeCommand("true", { cwd: join(dir, "missing"), timeoutMs: 10_000 });
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, null);
    assert.match(r.detail, /could not start in .*missing/);
  });
});
