/**
 * Deployed code cannot climb (issue 10, finding 1): a replica started by a real deployment
 * through the control plane tries to read the admin token, the SQLite database and the data
 * directory (directly and through the control plane's /proc entry), and answers over HTTP,
 * through the router, what it got. It must get nothing, while still binding its port, reading
 * its config and secret, and writing in its own working directory. A smoke command (the
 * service's code too) tries the same and fails the deployment if it can read anything. When
 * the control plane runs as root the replica runs as the service's own user. Everything the
 * control plane writes in its data directory is private to it (0700 directories, 0600 files).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmod, lstat, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { startControlPlane } from "../src/cli/control-plane.js";
import { helloYaml, startPlane, stopEverything, tempDir, type PlaneFixture } from "./helpers/fixture.js";
import { summarize, waitForEnd } from "./helpers/http.js";

const SERVICE = "prober";
const SECRET = `probe-secret-${process.pid}`;

/** The deployed code: serves /healthz, and at /probe reports what it could read. */
const PROBE_APP = `
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
const dataDir = process.env.PROBE_DATA_DIR;
const cp = process.env.PROBE_CP_PID;
function attempt(fn) {
  try { return { ok: true, value: fn() }; } catch (err) { return { ok: false, error: err.code ?? String(err) }; }
}
const probe = () => ({
  uid: process.getuid(),
  user: attempt(() => userInfo().username),
  token: attempt(() => readFileSync(dataDir + "/admin-token", "utf8").length),
  database: attempt(() => readFileSync(dataDir + "/slipway.db").length),
  listing: attempt(() => readdirSync(dataDir)),
  artifacts: attempt(() => readdirSync(dataDir + "/artifacts")),
  tokenViaProc: attempt(() => readFileSync("/proc/" + cp + "/root" + dataDir + "/admin-token", "utf8").length),
  controlPlaneEnviron: attempt(() => readFileSync("/proc/" + cp + "/environ").length),
  writesWorkdir: attempt(() => { writeFileSync("probe.txt", "written by the replica"); return true; }),
  writesHome: attempt(() => { writeFileSync(process.env.HOME + "/.probe-home", "home"); return true; }),
  secretSha256: createHash("sha256").update(process.env.PROBE_SECRET ?? "").digest("hex"),
  greeting: process.env.GREETING ?? null,
});
createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  if (req.url === "/healthz") return res.end('{"ok":true}');
  res.end(JSON.stringify(probe()));
}).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

/** Fails (and so fails the deployment) if the smoke command can read the token or the database. */
const SMOKE = 'if cat "$PROBE_DATA_DIR/admin-token" || cat "$PROBE_DATA_DIR/slipway.db" >/dev/null; then echo "smoke read the data directory"; exit 1; fi';

interface Attempt<T = unknown> {
  ok: boolean;
  value?: T;
  error?: string;
}

interface ProbeReport {
  uid: number;
  user: Attempt<string>;
  token: Attempt;
  database: Attempt;
  listing: Attempt<string[]>;
  artifacts: Attempt;
  tokenViaProc: Attempt;
  controlPlaneEnviron: Attempt;
  writesWorkdir: Attempt;
  writesHome: Attempt;
  secretSha256: string;
  greeting: string | null;
}

const isRoot = process.getuid?.() === 0;
/** Without a sandbox, root's replicas enter (not list) the data directory on the way to their workdirs. */
const enterOnly = isRoot && process.env.SLIPWAY_SANDBOX === "none";
const DIR_MODE = enterOnly ? 0o711 : 0o700;

/** Files and directories under `dir` whose mode lets anyone but the owner in, except under `skip`. */
async function openToOthers(dir: string, skip: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip.includes(path)) continue;
    const info = await lstat(path);
    if (info.isSymbolicLink()) continue;
    const allowed = info.isDirectory() && enterOnly ? 0o011 : 0;
    if ((info.mode & 0o077 & ~allowed) !== 0) out.push(`${path} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) out.push(...(await openToOthers(path, skip)));
  }
  return out;
}

describe("deployed code runs with less privilege than the control plane", () => {
  let fx: PlaneFixture;
  let report: ProbeReport;
  let deploymentSummary = "";

  before(async () => {
    fx = await startPlane("sqlite", { secretSource: { E2E_PROBE_SECRET: SECRET } });
    await fx.api.apply(
      helloYaml(
        SERVICE,
        { dev: { target: { driver: "process", replicas: 1 }, strategy: { type: "blue-green" }, verify: { probes: [{ http: "/healthz" }], smoke: [SMOKE] } } },
        { config: { dev: { PROBE_DATA_DIR: fx.dataDir, PROBE_CP_PID: String(process.pid), GREETING: "hi", PROBE_SECRET: { secret: "env:E2E_PROBE_SECRET" } } } },
      ),
    );
    await fx.pushHello(SERVICE, "1.0.0", { serverJs: PROBE_APP });
    const detail = await waitForEnd(fx.api, await fx.api.deploy(SERVICE, "dev", "1.0.0"));
    deploymentSummary = summarize(detail);
    assert.equal(detail.deployment.state, "succeeded", `the smoke command could read the data directory, or the replica did not start: ${deploymentSummary}`);
    const res = await fetch(`${await fx.api.routerUrl(SERVICE, "dev")}/probe`);
    assert.equal(res.status, 200, "the router reaches the replica");
    report = (await res.json()) as ProbeReport;
  });
  after(() => fx?.cleanup());

  test("the replica can read neither the admin token nor the database nor the data directory", () => {
    assert.equal(report.token.ok, false, `admin token readable: ${JSON.stringify(report.token)}`);
    assert.equal(report.database.ok, false, `database readable: ${JSON.stringify(report.database)}`);
    assert.equal(report.artifacts.ok, false, `other artifacts listable: ${JSON.stringify(report.artifacts)}`);
    // In the sandbox the data directory is an empty tmpfs holding only the way to the replica's own workdir.
    if (report.listing.ok) assert.deepEqual(report.listing.value, ["work"], `data directory listing: ${JSON.stringify(report.listing)}`);
  });

  test("nor reach them through the control plane's /proc entry", () => {
    assert.equal(report.tokenViaProc.ok, false, `token via /proc/<pid>/root: ${JSON.stringify(report.tokenViaProc)}`);
    assert.equal(report.controlPlaneEnviron.ok, false, `control plane's environment: ${JSON.stringify(report.controlPlaneEnviron)}`);
  });

  test("and still gets its config and secret, and writes in its own working directory", () => {
    assert.equal(report.greeting, "hi");
    assert.equal(report.secretSha256, createHash("sha256").update(SECRET).digest("hex"));
    assert.equal(report.writesWorkdir.ok, true, JSON.stringify(report.writesWorkdir));
    // Tools that keep caches under $HOME (npm, pip, git) must work for a confined replica too.
    if (!enterOnly) assert.equal(report.writesHome.ok, true, JSON.stringify(report.writesHome));
  });

  test("as root, the replica runs as the service's own unprivileged user", { skip: isRoot ? false : "the control plane is not root: replicas keep its user" }, () => {
    assert.notEqual(report.uid, 0);
    assert.deepEqual(report.user, { ok: true, value: `slipway-${SERVICE}` });
  });

  test("as root, a run.user the operator did not allow is refused when the deployment is created", { skip: isRoot ? false : "run.user applies only to a root control plane" }, async () => {
    const yaml = helloYaml("climber", { dev: { target: { driver: "process", replicas: 1 } } }).replace("run:\n", "run:\n  user: postgres\n");
    assert.match(yaml, /user: postgres/);
    await fx.api.apply(yaml);
    await fx.pushHello("climber", "1.0.0");
    const answer = await fx.api.call<{ error: { message: string; hint: string } }>("POST", "/deployments", { service: "climber", environment: "dev", version: "1.0.0" });
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.match(answer.body.error.message, /run.user postgres is not allowed for the service climber/);
    assert.match(answer.body.error.hint, /--run-user climber=postgres/);
  });

  test("the data directory is 0700 (0711 as root without a sandbox) and everything the control plane wrote in it is private (0600 files)", async () => {
    assert.equal((await stat(fx.dataDir)).mode & 0o777, DIR_MODE);
    for (const name of ["slipway.db", "slipway.db-wal", "slipway.db-shm", "admin-token"]) {
      assert.equal((await stat(join(fx.dataDir, name))).mode & 0o777, 0o600, name);
    }
    // work/ holds the unpacked artifacts, handed to the replicas' user; server.log is the test's own.
    const skip = [join(fx.dataDir, "work"), join(fx.dataDir, "server.log")];
    const open = (await openToOthers(fx.dataDir, skip)).map((line) => relative(fx.dataDir, line));
    assert.deepEqual(open, [], `open to others: ${open.join(", ")}`);
  });
});

describe("a data directory an older version left open is closed at start", () => {
  let parent: string;
  let opened: string | undefined;
  after(async () => {
    if (opened === undefined) return; // filtered out
    await stopEverything(opened);
    await rm(parent, { recursive: true, force: true });
  });

  test("0755 directory and 0644 database become 0700 and 0600", async () => {
    parent = await tempDir("open");
    const dataDir = join(parent, "data");
    opened = dataDir;
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, "slipway.db"), "", { mode: 0o644 });
    await chmod(join(dataDir, "slipway.db"), 0o644);
    const plane = await startControlPlane({ dataDir, port: 0, host: "127.0.0.1", log: (await import("pino")).default({ level: "silent" }) });
    try {
      assert.equal((await stat(dataDir)).mode & 0o777, DIR_MODE);
      assert.equal((await stat(join(dataDir, "slipway.db"))).mode & 0o777, 0o600);
      assert.equal((await stat(join(dataDir, "admin-token"))).mode & 0o777, 0o600);
    } finally {
      await plane.close();
    }
  });
});
