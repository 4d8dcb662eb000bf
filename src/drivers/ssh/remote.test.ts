/**
 * The scripts the ssh driver runs on a host, run here by the same POSIX sh (no ssh in between):
 * the release install with its digest check, and the supervisor's start, restart, redaction and stop.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { packDirectory } from "../../supply/index.js";
import { installReleaseScript, partialArtifactFile, probeReleaseScript, releaseDir, remoteLog, replicaDir, startScript, statusScript, stopScript, type HostPaths } from "./remote.js";
import { spawnCollect } from "./spawn.js";

let dir: string;
let root: string;
let tgz: string;
let digest: string;
const SECRET = "s3cret-value-123";

const sh = (script: string) => spawnCollect("sh", ["-s"], script, 30_000);
const field = (out: string, name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(out)?.[1] ?? "";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-remote-"));
  root = join(dir, "root");
  const app = join(dir, "app");
  await mkdir(app, { recursive: true });
  await writeFile(join(app, "app.sh"), `echo "started with $DB_PASSWORD on $PORT"\ntrap 'echo stopping; exit 0' TERM\nwhile :; do sleep 0.1; done\n`);
  tgz = join(dir, "app.tgz");
  await packDirectory(app, tgz);
  digest = createHash("sha256").update(await readFile(tgz)).digest("hex");
});
after(() => rm(dir, { recursive: true, force: true }));

test("a release is installed once its copy hashes to the digest; a damaged copy is refused and removed", async () => {
  const paths: HostPaths = { root, service: "web", version: "1.0.0", digest };
  assert.equal((await sh(probeReleaseScript(paths))).stdout.trim(), "artifact-missing 0");
  const damaged = join(dir, "damaged.part");
  await writeFile(damaged, "not the artifact");
  const refused = await sh(installReleaseScript(paths, damaged));
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, new RegExp(`checksum mismatch on the host: expected sha256:${digest}`));
  assert.equal((await sh(probeReleaseScript(paths))).stdout.trim(), "artifact-missing 0");

  const part = join(dir, "good.part");
  await copyFile(tgz, part);
  const installed = await sh(installReleaseScript(paths, part));
  assert.equal(installed.code, 0, installed.stderr);
  assert.equal((await sh(probeReleaseScript(paths))).stdout.trim(), "release-ready");
  assert.deepEqual((await readdir(releaseDir(paths))).sort(), [".slipway-digest", "app.sh"]);
});

test("a copy cut off midway is found with its length, continued from there, and installs", async () => {
  const paths: HostPaths = { root, service: "resumed", version: "1.0.0", digest };
  const whole = await readFile(tgz);
  const part = partialArtifactFile(paths);
  await mkdir(join(root, ".artifacts"), { recursive: true });
  // What a copy left behind when its link went down: the first part of the file.
  await writeFile(part, whole.subarray(0, 100));
  const probe = await sh(probeReleaseScript({ ...paths, service: "resumed" }));
  // The artifact itself is present from the first test: the probe finds it whole and needs no copy.
  assert.equal(probe.stdout.trim(), "artifact-present");
  await rm(join(root, ".artifacts", `${digest}.tgz`));
  assert.equal((await sh(probeReleaseScript(paths))).stdout.trim(), "artifact-missing 100");
  // The driver appends from byte 100 (as `cat >> part` over ssh does).
  await writeFile(part, whole.subarray(100), { flag: "a" });
  const installed = await sh(installReleaseScript(paths, part));
  assert.equal(installed.code, 0, installed.stderr);
  assert.equal((await sh(probeReleaseScript(paths))).stdout.trim(), "release-ready");
});

test("the supervisor runs the app with its variables, redacts secrets from the log, restarts it, and stops it", async () => {
  const release = releaseDir({ root, service: "web", version: "1.0.0", digest });
  const request = {
    root,
    id: "r1",
    release,
    log: remoteLog(root, "r1"),
    command: "sh app.sh",
    env: { PORT: "3000", DB_PASSWORD: SECRET },
    secretNames: ["DB_PASSWORD"],
    signal: "TERM",
    graceMs: 2_000,
  };
  const started = await sh(startScript(request));
  assert.equal(started.code, 0, started.stderr);
  const pid = field(started.stdout, "pid");
  assert.match(pid, /^\d+$/);
  assert.equal(field((await sh(startScript(request))).stdout, "pid"), pid, "starting again finds the running supervisor");

  await until("the app's first line", async () => (await readFile(request.log, "utf8").catch(() => "")).includes("started"));
  const log = await readFile(request.log, "utf8");
  assert.match(log, /started with \[REDACTED\] on 3000/);
  assert.ok(!log.includes(SECRET));
  assert.equal(field((await sh(statusScript(root, "r1"))).stdout, "state"), "running");

  // The app dies: the supervisor records it and starts it again.
  const appPid = (await readFile(join(replicaDir(root, "r1"), "app.pid"), "utf8")).trim();
  process.kill(-Number(appPid), "SIGKILL");
  await until("a restart", async () => field((await sh(statusScript(root, "r1"))).stdout, "restarts") === "1");
  await until("running again", async () => field((await sh(statusScript(root, "r1"))).stdout, "state") === "running");
  assert.match(field((await sh(statusScript(root, "r1"))).stdout, "last_exit"), /^137 \d+$/);

  const stopped = await sh(stopScript(root, "r1", 2_000));
  assert.equal(stopped.stdout.trim(), "stopped", stopped.stderr);
  assert.equal(field((await sh(statusScript(root, "r1"))).stdout, "state"), "exited");
  assert.match(await readFile(request.log, "utf8"), /stopping/);
  assert.equal((await sh(stopScript(root, "r1", 2_000))).code, 0, "stopping again is fine");
});
