import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { splitLines, cleanLine } from "../lines.js";
import { DEFAULT_RULES } from "./default-rules.js";
import { compileRules, judgeLine, lineHeadline, parseRules, ruleSet } from "./rules.js";

test("the words derived from the rules never hide a line a built-in rule matches (fixtures)", () => {
  const dir = join(import.meta.dirname, "../../../test/fixtures/triage");
  const fast = ruleSet();
  const full = compileRules(DEFAULT_RULES, { filtered: false });
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".log"))) {
    for (const line of splitLines(readFileSync(join(dir, f), "utf8")).map(cleanLine)) {
      assert.equal(judgeLine(fast, line).score, judgeLine(full, line).score, `${f}: ${line}`);
    }
  }
});

test("every positive built-in rule scores a line it is written for", () => {
  const samples: Record<string, string> = {
    "rust-error-code": "error[E0425]: cannot find value", "syntax-error": "SyntaxError: invalid syntax", "go-test-fail": "--- FAIL: TestX (0.1s)",
    "disk-full": "write /tmp/x: no space left on device", "oom": "Killed", "network": "Could not resolve host: github.com",
    "permission": "remote: Permission denied to bot.", "env-missing": "Error: DATABASE_URL is not set", "timeout": "Timeout of 2000ms exceeded",
    "runner-system-failure": "ERROR: Job failed (system failure): pod failed", "security-audit": "error: 5 vulnerabilities found!",
  };
  const fast = ruleSet();
  for (const [id, line] of Object.entries(samples)) {
    const v = judgeLine(fast, line);
    assert.ok(v.score > 0, `${id}: "${line}" scored ${v.score}`);
  }
});

test("user rules are validated, may override built-ins, and bad expressions are bad input", () => {
  const rules = parseRules({ rules: [{ id: "flaky-db", match: "deadlock detected", score: 8, category: "infrastructure", flaky: 0.9 }] });
  const set = ruleSet(rules);
  assert.equal(judgeLine(set, "ERROR: deadlock detected").categorized[0]?.spec.id, "flaky-db");
  assert.throws(() => parseRules([{ id: "x", match: "y", category: "nope" }]), /invalid triage rules/);
  assert.throws(() => compileRules([{ id: "bad", match: "(", score: 1 }]), /invalid regular expression/);
});

test("a rule's headline ranks lines for the top line; 0 (a summary) outranks nothing and vetoes the line", () => {
  const rules = parseRules({ rules: [
    { id: "deploy-verdict", match: "^deploy of \\S+ failed:", score: 0, headline: 5 },
    { id: "retry-note", match: "will be retried", score: 0, headline: 0 },
  ] });
  const set = ruleSet(rules);
  assert.equal(lineHeadline(set, "deploy of api failed: readiness probe failed"), 5);
  assert.equal(lineHeadline(set, "deploy of api failed: readiness probe failed, will be retried"), 0);
  assert.equal(lineHeadline(set, "FAILED tests/test_x.py::test_y - AssertionError: assert 1 == 2"), 5);
  assert.equal(lineHeadline(set, "RuntimeError: test_x 1/1 failed!"), 0);
  assert.equal(lineHeadline(set, "some plain output"), undefined);
  assert.equal(judgeLine(set, "deploy of api failed: x").score, judgeLine(ruleSet(), "deploy of api failed: x").score, "a score-0 rule moves no score");
  assert.throws(() => parseRules([{ id: "x", match: "y", headline: 9 }]), /invalid triage rules/);
});

test("the same user rules are compiled once; changed rules take effect at once", () => {
  const a = parseRules([{ id: "db", match: "deadlock detected", score: 8, category: "infrastructure" }]);
  assert.equal(ruleSet(a), ruleSet(structuredClone(a)));
  const b = parseRules([{ id: "db", match: "lock wait timeout", score: 8, category: "infrastructure" }]);
  assert.equal(judgeLine(ruleSet(b), "ERROR: lock wait timeout").categorized[0]?.spec.id, "db");
  assert.notEqual(judgeLine(ruleSet(b), "ERROR: deadlock detected").categorized[0]?.spec.id, "db");
});

test("timeout settings are not timeouts", () => {
  const set = ruleSet();
  for (const line of ["Authentication timestamp timeout: 15.0 minutes", "Configure options: --with-timeout=15 --with-password-timeout=0", "$ if which timeout >/dev/null"]) {
    assert.equal(judgeLine(set, line).categorized.length, 0, line);
  }
  assert.ok(judgeLine(set, "Error: Connection timed out").score > 0);
});

test("prose that mentions errors or timeouts is not a failure; Elixir exceptions and failed-on-line reports are", () => {
  const set = ruleSet();
  assert.ok(judgeLine(set, "\t'explode' https://x/explode 'An easy utility for responding with standard HTTP/JSON error payloads'").score < 5);
  assert.equal(judgeLine(set, "\t'paratize' https://x/paratize 'parallel map with timeout support'").score, 0);
  assert.ok(judgeLine(set, '** (throw) "Keys not sorted"').score >= 5);
  assert.ok(judgeLine(set, "widgets_SUITE:resize failed on line 88").score >= 5);
  assert.ok(judgeLine(set, "npm ERR! Test failed.  See above for more details.").score < judgeLine(set, "npm ERR! Test failed.").score);
});

test("a diagnostic at a source position and a ScalaTest failure are signals", () => {
  const set = ruleSet();
  assert.ok(judgeLine(set, "src/queue_pool.erl:57: field owner undefined in record pool").score >= 2);
  assert.ok(judgeLine(set, "[info] - should never leak payloads *** FAILED ***").score >= 5);
  assert.equal(judgeLine(set, "    at Object.<anonymous> (/home/ci/x/index.js:11:18)").score, 0);
});

test("test-runner status columns: 'name: OK' passes, 'name: FAIL' fails; only UPPER_CASE names are variables", () => {
  const set = ruleSet();
  assert.ok(judgeLine(set, "      tables:                                 FAIL (0.06s)").score >= 5);
  assert.equal(judgeLine(set, "      Whitespace is required after *:           OK").score, 0);
  assert.equal(judgeLine(set, "Error: DATABASE_URL is not set").categorized[0]?.spec.category, "missing_env");
});

test("a line a logger wrote at INFO level is not a failure", () => {
  const set = ruleSet();
  assert.ok(judgeLine(set, "INFO: MockWebServer[48618] connection from /127.0.0.1 failed: java.net.SocketException: Socket closed").score < 2);
  assert.ok(judgeLine(set, "[INFO] Checking unresolved references to org.codehaus.mojo.signature:java16:1.1").score < 2);
});

test("an upper-case FAIL verdict is a test failure; 'Caused by: Failed to …' and a test named 'fail …' are not", () => {
  const set = ruleSet();
  const ids = (line: string) => judgeLine(set, line).categorized.map((r) => r.spec.id);
  assert.ok(ids("test_parse (tests.test_io) ... FAILED").includes("test-fail-verdict"));
  assert.ok(ids("spec/server_spec.rb: FAIL").includes("test-fail-verdict"));
  assert.ok(!ids("Caused by: Failed to download artifact").includes("test-fail-verdict"));
  assert.ok(!ids("[info] - server: fail request reader").includes("test-fail-verdict"));
});

test("a test title that supposes or denies a crash, or a tool requesting crash reports, is no crash", () => {
  const set = ruleSet();
  assert.ok(judgeLine(set, "The application crashed while loading").score > 0);
  assert.equal(judgeLine(set, "    FileRecoveryService when no crash happens during a save creates a recovery file: ").score, 0);
  assert.equal(judgeLine(set, "    Editor does not crash when a crash happens during a save").score, 0);
  assert.ok(judgeLine(set, "xcodebuild[4097:11971] [MT] IDETestOperationsObserverDebug: Finished requesting crash reports. Continuing with testing.").score < 2);
});

test("a failed test goal that points at the test output above (Maven, sbt) is not itself the failure", () => {
  const set = ruleSet();
  assert.ok(judgeLine(set, "[ERROR] There are test failures.").score < 0);
  assert.ok(judgeLine(set, "[error]   - test/it:testOnly failed: sbt.TestsFailedException: Tests unsuccessful").score < 0);
});

test("a zero count written either way round ('aborted 0', 'Errors 0', '0 failed') is no failure", () => {
  const set = ruleSet();
  assert.ok(judgeLine(set, "[info] Suites: completed 4, aborted 0").score <= 0);
  assert.ok(judgeLine(set, "Tests run: 12, Failures: 0, Errors: 0, Skipped: 1").score <= 0);
  assert.ok(judgeLine(set, "error: build aborted").score > 0);
});
