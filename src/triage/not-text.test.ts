import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { isSlipwayError } from "../core/errors.js";
import { gzipSync } from "node:zlib";
import { notTextLog } from "./not-text.js";
import { triageLog } from "./triage.js";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4000)]);
/** Junk that happens to contain words a rule would match. */
const JUNK = Buffer.concat([randomBytes(3000), Buffer.from("\nERROR: connection refused\nnpm ERR! code ECONNRESET\nOutOfMemoryError\n"), randomBytes(3000)]);

test("binary input is named as such; real logs, with colours and odd bytes, are text", () => {
  assert.equal(notTextLog(PNG), "a PNG image");
  assert.equal(notTextLog(gzipSync("Error: boom\n".repeat(100))), "gzip-compressed data");
  assert.equal(notTextLog(randomBytes(8192)), "binary data");
  assert.equal(notTextLog(Buffer.from("\u001b[31mFAIL\u001b[0m src/a.test.ts\n  ● adds\n\texpected 3, received 4\r\n")), undefined);
  assert.equal(notTextLog(Buffer.from("héllo wörld – ünïcode ✓\n".repeat(50))), undefined);
  // A stray NUL and invalid UTF-8 in a real log (a crashed tool's output) do not make it binary.
  const messy = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x1b, 0x5b, 0x30, 0x4b, 0x0d, 0x0a]), Buffer.from("npm WARN deprecated request@2.88.2\n".repeat(200))]);
  assert.equal(notTextLog(messy), undefined);
});

test("triage refuses binary junk as bad input, naming what it looks like and how to fix it", async () => {
  const cases = [["png", PNG, /the log is not a text log: it looks like a PNG image/, /plain-text log/], ["gzip", gzipSync("npm ERR! code ECONNRESET\n".repeat(200)), /gzip-compressed data/, /uncompress/], ["random with error words", JUNK, /binary data/, /plain-text log/]] as const;
  for (const [name, bytes, message, hint] of cases) {
    await assert.rejects(triageLog(bytes), (err: unknown) => {
      assert.ok(isSlipwayError(err), name);
      assert.equal(err.code, "bad_input", name);
      assert.match(err.message, message, name);
      assert.match(err.hint ?? "", hint, name);
      return true;
    });
  }
  const real = await triageLog("npm ERR! code ECONNRESET\nnpm ERR! network request to https://registry.npmjs.org failed\n");
  assert.notEqual(real.category, "unknown");
});

test("a binary passing log is refused too, by the name the caller gives it", async () => {
  await assert.rejects(triageLog("error: boom\n", { passLog: PNG, names: { passLog: "pass.png" } }), /pass\.png is not a text log: it looks like a PNG image/);
});

test("a streamed binary log is refused from its first bytes, not read to the end", async () => {
  let pulled = 0;
  async function* junk(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 10_000; i++) {
      pulled++;
      yield randomBytes(1024);
    }
  }
  await assert.rejects(triageLog(junk()), /not a text log/);
  assert.ok(pulled <= 8, `read ${pulled} KiB of junk before refusing it`);
});
