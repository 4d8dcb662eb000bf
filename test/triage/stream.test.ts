import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

// Memory, not time: the triage of a 200 MB log must stay within a bounded window.
test("a streamed 200 MB generated log is triaged with RSS growth under 100 MB", () => {
  const child = join(import.meta.dirname, "stream-child.ts");
  const out = execFileSync(process.execPath, ["--import", "tsx", "--expose-gc", child, "200"], { encoding: "utf8", maxBuffer: 1024 * 1024 });
  const report = JSON.parse(out.trim().split("\n").pop() as string) as { growthMb: number; bytes: number; category: string; top: string };
  assert.ok(report.bytes >= 200 * 1024 * 1024, `streamed ${report.bytes} bytes`);
  assert.ok(report.growthMb < 100, `RSS grew by ${report.growthMb.toFixed(1)} MB`);
  assert.equal(report.category, "test");
  assert.match(report.top, /FAIL: TestCheckout|expected total 120/);
});
