import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { triageLog, type Category } from "../../src/triage/index.js";

// Made-up logs per category, shaped like each tool's output (test/fixtures/triage/README.md); the file name says the category.
const DIR = join(import.meta.dirname, "../fixtures/triage");
const PREFIX: Record<string, Category> = {
  compile: "compile", test: "test", lint: "lint", dependency: "dependency", "missing-env": "missing_env", permission: "permission",
  network: "network", timeout: "timeout", oom: "oom", "disk-full": "disk_full", "health-check": "health_check", crash: "crash", infrastructure: "infrastructure",
};

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".log")).sort()) {
  const prefix = Object.keys(PREFIX).sort((a, b) => b.length - a.length).find((p) => file.startsWith(`${p}-`));
  test(`${file} is classified as ${prefix ? PREFIX[prefix] : "?"} with evidence`, async () => {
    assert.ok(prefix, `fixture ${file} must start with a category`);
    const result = await triageLog(readFileSync(join(DIR, file)));
    assert.equal(result.category, PREFIX[prefix], `evidence: ${JSON.stringify(result.evidence.slice(0, 5))}`);
    assert.ok(result.evidence.length > 0);
    assert.ok(result.confidence > 0 && result.confidence <= 1);
    assert.ok(result.cause.length > 0 && result.next.length > 0);
  });
}

test("every category has a fixture", () => {
  const files = readdirSync(DIR);
  for (const prefix of Object.keys(PREFIX)) assert.ok(files.some((f) => f.startsWith(`${prefix}-`)), `no fixture for ${prefix}`);
});

test("intermittent categories read as flaky, code failures as real", async () => {
  const infra = await triageLog(readFileSync(join(DIR, "infrastructure-gitlab-docker.log")));
  const compile = await triageLog(readFileSync(join(DIR, "compile-rust-crate.log")));
  assert.equal(infra.flaky.verdict, "flaky");
  assert.equal(compile.flaky.verdict, "real");
});

test("an uncaught exception or panic reads as real; a fatal signal as possibly intermittent, with a way to tell", async () => {
  for (const file of readdirSync(DIR).filter((f) => f.startsWith("crash-"))) {
    const result = await triageLog(readFileSync(join(DIR, file)));
    if (file.includes("segfault")) {
      assert.equal(result.flaky.verdict, "flaky", file);
      assert.match(result.flaky.reasons[0] ?? "", /^native-crash failures are often intermittent/);
      assert.match(result.next, /retry once.*sanitizer/, file);
    } else {
      assert.equal(result.flaky.verdict, "real", file);
      assert.match(result.next, /stack trace/, file);
    }
  }
});
