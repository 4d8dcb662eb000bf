import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PACKAGE_ROOT } from "../src/cli/control-plane.js";

const cli = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), join(PACKAGE_ROOT, "src", "cli", "main.ts"), ...args], { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });

const dir = mkdtempSync(join(tmpdir(), "slipway-init-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("init writes a slipway.yaml named after package.json that lints clean, and never overwrites it", () => {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "@acme/Checkout.API" }));
  const first = cli(dir, "init", "--owner", "team-payments");
  assert.equal(first.status, 0, first.stderr);
  assert.match(readFileSync(join(dir, "slipway.yaml"), "utf8"), /^service: checkout-api$/m);
  const lint = cli(dir, "lint");
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  const second = cli(dir, "init");
  assert.equal(second.status, 1);
  assert.match(second.stderr, /already exists; init never overwrites/);
});
