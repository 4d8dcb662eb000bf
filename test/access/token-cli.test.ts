/**
 * `slipway token create|list|revoke`, the real CLI (a child process under tsx) against a real
 * API listening on a port: create prints the secret once, list never shows it, revoke makes
 * the token useless, and a non-admin is told which permission it lacks (exit 1).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TokenInfo } from "../../src/api/index.js";
import { PACKAGE_ROOT } from "../../src/cli/control-plane.js";
import { TEST_DIALECTS } from "../../src/store/testing.js";
import { startHarness, type AccessHarness } from "./harness.js";

const CLI = join(PACKAGE_ROOT, "src", "cli", "main.ts");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function slipway(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: PACKAGE_ROOT, env: { ...process.env, SLIPWAY_DATA: "/nonexistent", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
const occurrences = (text: string, part: string) => text.split(part).length - 1;

for (const dialect of TEST_DIALECTS) {
  describe(`slipway token (${dialect})`, () => {
    let h: AccessHarness;
    let env: Record<string, string>;

    before(async () => {
      h = await startHarness(dialect);
      await h.app.listen({ port: 0, host: "127.0.0.1" });
      const address = h.app.server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      env = { SLIPWAY_SERVER: `http://127.0.0.1:${port}`, SLIPWAY_TOKEN: await h.token("root", "admin") };
    });
    after(() => h?.close());

    test("create prints the token once; list (table and --json) never shows it; revoke ends it", async () => {
      const created = await slipway(["token", "create", "--name", "ci", "--role", "deployer", "--service", "checkout-api", "--env", "prod", "--expires", "90d", "--grant", "emergency"], env);
      assert.equal(created.code, 0, show(created));
      const secret = /slw_[A-Za-z0-9_-]{20,}/.exec(created.stdout)?.[0];
      assert.ok(secret, show(created));
      assert.equal(occurrences(created.stdout + created.stderr, secret), 1, "the secret is printed exactly once");
      assert.match(created.stdout, /created token \S+ "ci": deployer on checkout-api\/prod, grants emergency, expires \d{4}-/);
      assert.match(created.stdout, /shown once/);
      const id = /created token (\S+)/.exec(created.stdout)![1]!;

      // The new token works, within its scope.
      const asCi = await h.app.inject({ method: "GET", url: "/api/v1/services/checkout-api", headers: { authorization: `Bearer ${secret}` } });
      assert.notEqual(asCi.statusCode, 401);
      assert.notEqual(asCi.statusCode, 403);

      const list = await slipway(["token", "list"], env);
      assert.equal(list.code, 0, show(list));
      assert.ok(!list.stdout.includes(secret) && !list.stdout.includes(secret.slice(4)), "list shows no secret");
      assert.match(list.stdout, /^ID\s+NAME\s+ROLE\s+SCOPE\s+GRANTS\s+CREATED\s+EXPIRES\s+LAST USED\s+STATE$/m);
      assert.match(list.stdout, new RegExp(`^${id}\\s+ci\\s+deployer\\s+checkout-api/prod\\s+emergency\\s+.*\\s+active$`, "m"));

      const json = await slipway(["token", "list", "--json"], env);
      assert.equal(json.code, 0, show(json));
      assert.ok(!json.stdout.includes(secret.slice(4)));
      const tokens = JSON.parse(json.stdout) as TokenInfo[];
      assert.deepEqual(tokens.map((t) => t.name).sort(), ["ci", "root"]);

      const revoke = await slipway(["token", "revoke", id], env);
      assert.equal(revoke.code, 0, show(revoke));
      assert.match(revoke.stdout, new RegExp(`revoked token ${id} "ci"`));
      const after = await h.app.inject({ method: "GET", url: "/api/v1/services", headers: { authorization: `Bearer ${secret}` } });
      assert.equal(after.statusCode, 401);
      const listed = await slipway(["token", "list"], env);
      assert.match(listed.stdout, new RegExp(`^${id}\\s.*revoked \\d{4}-`, "m"));
    });

    test("list --unused 30d shows only tokens idle for 30 days", async () => {
      const made = await slipway(["token", "create", "--name", "forgotten", "--role", "viewer", "--json"], env);
      assert.equal(made.code, 0, show(made));
      const { token } = JSON.parse(made.stdout) as { token: string };
      assert.match(token, /^slw_/);
      h.clock.advance(31 * 86_400_000);
      const unused = await slipway(["token", "list", "--unused", "30d", "--json"], env);
      assert.equal(unused.code, 0, show(unused));
      assert.deepEqual((JSON.parse(unused.stdout) as TokenInfo[]).map((t) => t.name), ["forgotten"], "root was just used; ci is revoked");
    });

    test("a non-admin is refused with the permission it lacks (exit 1); bad usage exits 2", async () => {
      const viewer = await h.token("reader", "viewer");
      const refused = await slipway(["token", "list"], { ...env, SLIPWAY_TOKEN: viewer });
      assert.equal(refused.code, 1, show(refused));
      assert.match(refused.stderr, /error: token "reader" \(viewer\) cannot list tokens: that needs the admin role/);
      const bad = await slipway(["token", "create", "--name", "x", "--role", "owner"], env);
      assert.equal(bad.code, 2, show(bad));
      assert.match(bad.stderr, /body\.role/);
    });
  });
}
