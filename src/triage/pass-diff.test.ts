import assert from "node:assert/strict";
import { test } from "node:test";
import { passVerdict } from "./pass-diff.js";
import { hash32, maskLine } from "./mask.js";
import { triageLog } from "./triage.js";

const passLog = [
  "ok  \tgithub.com/acme/tool/internal/api\t0.018s",
  "ok  \tgithub.com/acme/tool/internal/cloud\t0.025s",
  "ok  \tgithub.com/acme/tool/internal/store\t0.019s",
  "Post job cleanup.",
].join("\n");

const failLog = [
  "ok  \tgithub.com/acme/tool/internal/api\t0.021s",
  "--- FAIL: TestCloud_apply (0.00s)",
  "panic: value has no attribute of that name [recovered]",
  "",
  "goroutine 21 [running]:",
  "testing.tRunner.func1()",
  "\t/opt/go/src/testing/testing.go:1392 +0x39f",
  "github.com/acme/tool/internal/cloud.(*Cloud).Configure(0xc0001a6780)",
  "\t/home/runner/work/tool/internal/cloud/backend.go:211 +0xb6",
  "created by testing.(*T).Run",
  "ok  \tgithub.com/acme/tool/internal/store\t0.017s",
  "Post job cleanup.",
].join("\n");

test("a line absent from the passing log is new; a shared one loses score", () => {
  const known = new Set([hash32(maskLine("ok  \tgithub.com/acme/tool/internal/api\t0.018s"))]);
  assert.deepEqual(passVerdict(known, maskLine("ok  \tgithub.com/acme/tool/internal/api\t0.021s"), 4), { score: 1, novel: false });
  assert.deepEqual(passVerdict(known, maskLine("panic: boom"), 4), { score: 4, novel: true });
});

test("with a passing log, the failure's block runs on over the lines only the failed log has", async () => {
  const withPass = await triageLog(failLog, { passLog });
  assert.deepEqual(withPass.ranges, [{ start: 2, end: 10 }]);
  // Without it, the unindented frames after the blank line end the block.
  assert.deepEqual((await triageLog(failLog)).ranges, [{ start: 2, end: 3 }]);
});
