import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { makeRedactor } from "../../core/index.js";
import { runScriptCommand, stopLeftover, RUN_ID_VAR, type ScriptCommandSpec } from "./index.js";

const hooks = { sleep: (ms: number) => sleep(ms), now: () => Date.now() };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-script-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const spec = (dir: string, command: string, over: Partial<ScriptCommandSpec> = {}): ScriptCommandSpec => ({
  name: "deploy",
  command,
  shell: "/bin/sh",
  cwd: dir,
  env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SLIPWAY_VERSION: "1.2.3" },
  timeoutMs: 10_000,
  retries: 3,
  backoffMs: 10,
  redact: (t) => t,
  ...over,
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("a command runs in the artifact directory with the deployment's variables; exit 0 is ok", async () => {
  await withDir(async (dir) => {
    const out = await runScriptCommand(spec(dir, 'echo "deployed $SLIPWAY_VERSION" > state; pwd; echo done >&2'), hooks);
    assert.equal(out.outcome, "ok");
    assert.equal(out.attempts.length, 1);
    assert.equal(await readFile(join(dir, "state"), "utf8"), "deployed 1.2.3\n");
    assert.match(out.attempts[0]!.output, new RegExp(`${dir}\\n.*done`, "s"));
  });
});

test("exit 75 is run again with back-off until it succeeds, or until the retries are used up", async () => {
  await withDir(async (dir) => {
    // Fails with 75 twice, then succeeds: a counter file in the working directory.
    const flaky = 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 3 ] || exit 75';
    const slept: number[] = [];
    const out = await runScriptCommand(spec(dir, flaky), { ...hooks, sleep: async (ms) => void slept.push(ms) });
    assert.equal(out.outcome, "ok");
    assert.deepEqual(out.attempts.map((a) => a.exitCode), [75, 75, 0]);
    assert.deepEqual(slept, [10, 20], "the back-off doubles");
    const stuck = await runScriptCommand(spec(dir, "exit 75", { retries: 2 }), hooks);
    assert.equal(stuck.outcome, "retries_exhausted");
    assert.equal(stuck.attempts.length, 3);
  });
});

test("any other exit code fails at once", async () => {
  await withDir(async (dir) => {
    const out = await runScriptCommand(spec(dir, "echo nope; exit 3"), hooks);
    assert.equal(out.outcome, "failed");
    assert.equal(out.attempts.length, 1);
    assert.equal(out.attempts[0]!.exitCode, 3);
    assert.equal(out.attempts[0]!.output, "nope\n");
  });
});

test("a command that hangs is killed with its whole process group at the timeout", async () => {
  await withDir(async (dir) => {
    // The grandchild writes its pid and would outlive a kill of the shell alone.
    const out = await runScriptCommand(spec(dir, "sh -c 'echo $$ > grandchild; exec sleep 60' & echo started; wait", { timeoutMs: 1_000 }), hooks);
    assert.equal(out.outcome, "timed_out");
    assert.equal(out.attempts[0]!.timedOut, true);
    assert.match(out.attempts[0]!.output, /started/);
    const grandchild = Number(await readFile(join(dir, "grandchild"), "utf8"));
    for (let i = 0; i < 50 && isAlive(grandchild); i++) await sleep(100);
    assert.equal(isAlive(grandchild), false, "the grandchild died with the group");
  });
});

test("secret values are redacted from the output and the command line", async () => {
  await withDir(async (dir) => {
    const secret = "s3cr3t-token-value";
    const out = await runScriptCommand(
      spec(dir, `echo "token=$API_TOKEN"; echo ${secret} >&2; exit 1`, { env: { PATH: process.env.PATH!, API_TOKEN: secret }, redact: makeRedactor([secret]) }),
      hooks,
    );
    assert.equal(out.outcome, "failed");
    assert.doesNotMatch(JSON.stringify(out), new RegExp(secret));
    assert.match(out.attempts[0]!.output, /token=\[REDACTED\]/);
    assert.match(out.command, /echo \[REDACTED\] >&2/);
  });
});

test("a shell that does not exist is a failure that says it could not start", async () => {
  await withDir(async (dir) => {
    const out = await runScriptCommand(spec(dir, "true", { shell: "/no/such/shell" }), hooks);
    assert.equal(out.outcome, "failed");
    const attempt = out.attempts[0]!;
    // Under the coreutils timeout wrapper the shell's absence is its exit 127; without it, a spawn error.
    assert.ok(attempt.startError !== undefined || attempt.exitCode === 127, JSON.stringify(attempt));
  });
});

test("a leftover command is found by its run's id alone, and its whole process group is stopped", async () => {
  // A shell with a child of its own, as a deploy script running a tool would be; no pid is given to find it.
  const child = spawn("/bin/sh", ["-c", "sleep 60 & wait"], { detached: true, stdio: "ignore", env: { PATH: process.env.PATH, [RUN_ID_VAR]: "run-1" } });
  const pid = child.pid!;
  try {
    await sleep(200);
    assert.equal(await stopLeftover("run-2"), false, "another run's processes are left alone");
    assert.equal(isAlive(pid), true);
    assert.equal(await stopLeftover("run-1"), true);
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once("exit", resolve)));
    assert.equal(child.signalCode, "SIGTERM");
    assert.equal(await stopLeftover("run-1"), false, "nothing of the run is left");
  } finally {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

test("an attempt starts only after beforeSpawn has noted it; if noting fails the command never runs", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "ran");
    const noted: number[] = [];
    const out = await runScriptCommand(spec(dir, `test -f "${marker}" && exit 0; touch "${marker}"; exit 75`, { retries: 2 }), {
      ...hooks,
      beforeSpawn: async (attempt) => {
        noted.push(attempt);
        assert.equal(await readFile(marker).then(() => true, () => false), attempt > 1, "the noting comes before the attempt's process");
      },
    });
    assert.equal(out.outcome, "ok", JSON.stringify(out));
    assert.deepEqual(noted, [1, 2]);
    await rm(marker);
    const refused = runScriptCommand(spec(dir, `touch "${marker}"`), { ...hooks, beforeSpawn: () => Promise.reject(new Error("the lease is lost")) });
    await assert.rejects(refused, /the lease is lost/);
    await assert.rejects(readFile(marker), { code: "ENOENT" }, "the command never started");
  });
});

test("output variables: NAME=value lines left in the output file, redacted, the last value of a name winning", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "out.env");
    const secret = "hunter2-secret-value";
    const command = `printf 'REVISION=7\\nnot a variable\\nREVISION=8\\nTOKEN=%s\\n' "$API_TOKEN" > "$OUT"`;
    const out = await runScriptCommand(spec(dir, command, { env: { PATH: process.env.PATH!, API_TOKEN: secret, OUT: file }, redact: makeRedactor([secret]), outputFile: file }), hooks);
    assert.equal(out.outcome, "ok", JSON.stringify(out));
    assert.deepEqual(out.outputs, { REVISION: "8", TOKEN: "[REDACTED]" });
    await assert.rejects(readFile(file), { code: "ENOENT" }, "the file is removed once read");
  });
});

test("a command whose control plane was killed still ends by its deadline (the timeout wrapper)", async () => {
  await withDir(async (dir) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./orphan-child.ts", import.meta.url)), dir, "2000"], { stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once("exit", (code) => reject(new Error(`the child exited (${code}) before it started the command`)));
    });
    child.kill("SIGKILL");
    assert.equal(isAlive(pid), true, "the command outlived its control plane");
    // Bounded wait (not a timing assertion): the wrapper's limit is 3 s, its kill grace 2 s.
    for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
    assert.equal(isAlive(pid), false, "the orphaned command was ended by the timeout wrapper");
  });
});
