import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { test } from "node:test";
import { Command } from "commander";
import { registerTriageCommand } from "../../src/cli/commands/triage.js";
import { isSlipwayError } from "../../src/core/errors.js";

function run(args: string[]): Promise<string> {
  let text = "";
  const out = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  const program = new Command().exitOverride();
  registerTriageCommand(program, { resolveTarget: () => ({ server: "http://127.0.0.1:9", token: undefined }), out });
  return program.parseAsync(["node", "slipway", ...args]).then(() => text);
}

const dir = mkdtempSync(join(tmpdir(), "slipway-triage-cli-"));
const fail = join(dir, "fail.log");
const pass = join(dir, "pass.log");
writeFileSync(pass, "$ npm ci\nadded 120 packages in 3s\n$ npm test\n> app@1.0.0 test\nok 1 adds\nok 2 subtracts\n");
writeFileSync(fail, "$ npm ci\nadded 120 packages in 4s\n$ npm test\n> app@1.0.0 test\nok 1 adds\nnot ok 2 subtracts\n  ---\n    operator: equal\n    expected: 1\n    actual:   2\n  ...\nnpm ERR! Test failed.  See above for more details.\n");

test("slipway triage FILE prints category, evidence with line numbers, cause and next step", async () => {
  const text = await run(["triage", fail]);
  assert.match(text, /Category: +test failure/);
  assert.match(text, /Evidence:/);
  assert.match(text, /\b6 \| not ok 2 subtracts/);
  assert.match(text, /Next step:/);
});

test("slipway triage --pass --json uses the passing log and prints JSON", async () => {
  const result = JSON.parse(await run(["triage", fail, "--pass", pass, "--json"])) as { method: string; category: string; ranges: { start: number }[] };
  assert.equal(result.method, "pass-diff");
  assert.equal(result.category, "test");
  assert.ok(result.ranges.length > 0);
});

test("slipway triage on a missing file and confirm with bad ranges are bad input", async () => {
  await assert.rejects(run(["triage", join(dir, "nope.log")]), (err) => isSlipwayError(err) && err.code === "bad_input");
  await assert.rejects(run(["triage", "confirm", "run-1", "--lines", "12-3"]), (err) => isSlipwayError(err) && err.code === "bad_input");
});
