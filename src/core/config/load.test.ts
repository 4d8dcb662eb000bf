import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isSlipwayError } from "../errors.js";
import { loadServiceConfigFile } from "./index.js";
import type { ConfigProblem } from "./index.js";

const FULL = fileURLToPath(new URL("../../../test/fixtures/config/full.yaml", import.meta.url));

test("loads a valid file: config, warnings and the text it read", async () => {
  const loaded = await loadServiceConfigFile(FULL);
  assert.equal(loaded.config.service, "checkout-api");
  assert.deepEqual(loaded.warnings, []);
  assert.match(loaded.text, /^# The DESIGN\.md sketch/);
});

test("a missing file is a bad_input error that says how to create one", async () => {
  const path = join(tmpdir(), "no-such-dir-slipway", "slipway.yaml");
  await assert.rejects(loadServiceConfigFile(path), (err: unknown) => {
    assert.ok(isSlipwayError(err));
    assert.equal(err.code, "bad_input");
    assert.equal(err.message, `no slipway.yaml at ${path}; create one with \`slipway init\``);
    return true;
  });
});

test("a file with errors throws bad_input with every located problem in details", async () => {
  const dir = await mkdtemp(join(tmpdir(), "slipway-config-"));
  try {
    const path = join(dir, "slipway.yaml");
    await writeFile(path, "service: hello\nowner: team-a\nrun:\n  comand: node server.js\nenvironments:\n  dev:\n    rollback: never\n");
    await assert.rejects(loadServiceConfigFile(path), (err: unknown) => {
      assert.ok(isSlipwayError(err));
      assert.equal(err.code, "bad_input");
      assert.equal(err.message, "slipway.yaml has 3 errors");
      const problems = err.details as ConfigProblem[];
      assert.deepEqual(
        problems.map((p) => `${p.line}:${p.column} ${p.path}`),
        ["3:1 run.command", "4:3 run.comand", "7:15 environments.dev.rollback"],
      );
      assert.ok(problems.every((p) => p.file === path));
      assert.match(err.hint ?? "", new RegExp(`${path}:4:3: run\\.comand: unknown key "comand" under run`));
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
