import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { Command } from "commander";
import Fastify from "fastify";
import "../../src/api/auth.js";
import { installErrorHandler } from "../../src/api/errors.js";
import { registerTriageRoutes } from "../../src/api/routes/triage.js";
import { registerTriageCommand } from "../../src/cli/commands/triage.js";
import { isSlipwayError } from "../../src/core/errors.js";
import { freshStore } from "../../src/store/testing.js";

function run(args: string[], server = "http://127.0.0.1:9"): Promise<string> {
  let text = "";
  const out = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  const program = new Command().exitOverride();
  registerTriageCommand(program, { resolveTarget: () => ({ server, token: undefined }), out });
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

test("slipway triage on a compressed or binary file is bad input that names the file and says how to fix it", async () => {
  const zipped = join(dir, "build.log.gz");
  writeFileSync(zipped, gzipSync(readFileSync(fail)));
  await assert.rejects(run(["triage", zipped]), (err) => isSlipwayError(err) && err.code === "bad_input" && err.message === `${zipped} is not a text log: it looks like gzip-compressed data` && /uncompress/.test(err.hint ?? ""));
  await assert.rejects(run(["triage", fail, "--pass", zipped]), (err) => isSlipwayError(err) && err.code === "bad_input" && err.message.startsWith(`${zipped} is not a text log`));
});

test("slipway triage --record streams the log to the server, which says how often the failure was seen; confirm teaches it", async () => {
  const db = await freshStore("sqlite");
  const app = Fastify();
  installErrorHandler(app);
  // Auth is the server's global hook; here every request acts as an admin token.
  app.addHook("onRequest", async (request) => {
    request.principal = { tokenId: "t1", name: "ci-bot", role: "admin", scope: { service: null, environment: null }, grants: [] };
  });
  registerTriageRoutes(app, { store: db.store });
  try {
    const server = await app.listen({ host: "127.0.0.1", port: 0 });
    const first = await run(["triage", fail, "--record", "--pipeline", "web-ci", "--run", "r1"], server);
    assert.match(first, /Cluster: +first time seen/);
    const again = join(dir, "fail-again.log");
    writeFileSync(again, readFileSync(fail, "utf8").replace("in 4s", "in 9s"));
    const second = await run(["triage", again, "--record", "--pipeline", "web-ci", "--run", "r2"], server);
    assert.match(second, /Cluster: +seen 2 times in 1 pipeline since .*, first in run r1/);
    const confirmed = await run(["triage", "confirm", "r1", "--lines", "6-6"], server);
    assert.match(confirmed, /confirmed 1 line\(s\) of run r1 for pipeline web-ci/);
    const third = JSON.parse(await run(["triage", again, "--record", "--pipeline", "web-ci", "--run", "r3", "--json"], server)) as { method: string; cluster: { occurrences: number } };
    assert.equal(third.method, "examples");
    assert.equal(third.cluster.occurrences, 3);
    const junk = join(dir, "junk.bin");
    writeFileSync(junk, randomBytes(200_000));
    await assert.rejects(run(["triage", junk, "--record", "--pipeline", "web-ci", "--run", "r4"], server), (err) => isSlipwayError(err) && err.code === "bad_input" && /not a text log: it looks like binary data/.test(err.message));
    await assert.rejects(run(["triage", fail, "--record", "--pass", pass], server), (err) => isSlipwayError(err) && err.code === "bad_input" && /offline only/.test(err.message));
    await assert.rejects(run(["triage", fail, "--run", "r9"]), (err) => isSlipwayError(err) && err.code === "bad_input" && /--record/.test(err.message));
  } finally {
    await app.close();
    await db.cleanup();
  }
});
