import assert from "node:assert/strict";
import { test } from "node:test";
import { ruleSet } from "./rules/rules.js";
import { FailureScanner } from "./scan.js";
import { triageLog } from "./triage.js";

test("a wrapper's exit-code trailer is not the failure; the line before it is", async () => {
  const log = [
    "INFO:root:Found no deploy-config label on the change",
    "Change #4412 depends on 12 unmerged changes; refusing to run checks. Merge the earlier ones first",
    "##[error][runner] Step script exited with code 1. The script failed, not the machine.",
    "##[error]Process completed with exit code 1.",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 2);
});

test("source code quoted in a Python traceback does not name the failure", async () => {
  const log = [
    "Traceback (most recent call last):",
    '  File "/opt/tools/lib/shell.py", line 88, in run_checked',
    "    return spawn(*args, capture=True, timeout=timeout, check=True,",
    "RuntimeError: Command `git rebase origin/main` returned non-zero exit code 1",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 4);
});

test("a command retried in place: the top line is its last attempt", async () => {
  const log = [
    "[command]/usr/bin/git fetch origin +refs/tags/release/x",
    "##[error]fatal: couldn't find remote ref refs/tags/release/nightly/4821",
    "Waiting 15 seconds before trying again",
    "##[error]fatal: couldn't find remote ref refs/tags/release/nightly/4821",
    "Post job cleanup.",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 4);
});

test("an error in the command that stopped the build beats an ignored one earlier", async () => {
  const log = [
    "$ sudo apt-get update",
    "E: Failed to fetch http://example.org/Packages  404  Not Found",
    "E: Some index files failed to download. They have been ignored, or old ones used instead.",
    "$ npm install",
    "> pkg@1.0.0 postinstall /home/ci/pkg",
    "Error: Cannot find module './settings.json'",
    "    at Function.Module._resolveFilename (module.js:412:11)",
    "",
    "",
    "",
    'The command "npm install" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 6, end: 7 }]);
});

test("tool output starting with '> ' does not start a new command", async () => {
  const log = [
    "$ ./check_links README.md",
    "Error: 2 links are broken",
    "> Links",
    "  1. 404 http://example.org/a",
    'The command "./check_links README.md" exited with 1.',
    "$ ./other",
    "Error: a problem nobody cares about",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.ranges[0]?.start, 2);
});

test("a headline that announces detail takes the detail lines after it", async () => {
  const log = ["$ rake", "rake aborted!", "No Rakefile found (looking for: rakefile, Rakefile)", "/usr/bin/ruby_executable_hooks:15:in `eval'", "", 'The command "rake" exited with 1.'].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 2, end: 4 }]);
});

test("a diff after a failed assertion belongs to the failure", async () => {
  const log = ["$ phpunit", "1) InflectorTest::test_plural", "Failed asserting that two strings are equal.", "--- Expected", "+++ Actual", "@@ @@", "-'tellies'", "+'telly'", "", 'The command "phpunit" exited with 1.'].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 2, end: 8 }]);
});

test("an error report interrupted by up to three plain lines is one block", async () => {
  const log = ["compiling", "src/a.c:3:1: error: expected ';'", "  3 | int x", "note: in expansion", "", "", "src/a.c:9:1: error: unknown type name 'foo'", "done"].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 2, end: 7 }]);
});

test("a multi-line command's Travis marker still marks its output as failed", async () => {
  const log = ["$ bash -c 'make all'", "Error: a setup problem nobody needed to fix", "ok", "ok", "ok", "ok", "$ case $X in", "  a) run ;;", "esac", "tables: FAIL (0.06s)", "", '" exited with 1.'].join("\n");
  const res = await triageLog(log);
  assert.equal(res.ranges[0]?.start, 10);
});

test("a line repeated word for word adds to its block's weight once", () => {
  const scanner = new FailureScanner({ rules: ruleSet() });
  const lines = ["error: retrying in 2s (attempt 1 of 3)", "  waiting", "error: retrying in 2s (attempt 1 of 3)", "  waiting", "error: retrying in 2s (attempt 1 of 3)"];
  lines.forEach((line, i) => scanner.line(line, i + 1));
  const [block] = scanner.finish().blocks;
  assert.equal(block?.end, 5);
  assert.equal(block?.mass, block?.peak);
});

test("when the failure is in the command that stopped the build, errors outside it are not added", async () => {
  const log = [
    "$ npm run lint",
    "src/grammar.js:635 Replace `a` with `b` (prettier/prettier)",
    "src/grammar.js:636 Insert `;` (prettier/prettier)",
    'The command "npm run lint" exited with 1.',
    "$ ./upload-artifacts.sh",
    "ERROR: failed to upload: out/atom-amd64.tar.gz",
    "  err: open out/atom-amd64.tar.gz: no such file or directory",
    "ERROR: failed to upload: out/atom.rpm",
    "  err: open out/atom.rpm: no such file or directory",
    "ERROR: failed to upload: out/atom.deb",
    "  err: open out/atom.deb: no such file or directory",
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 2, end: 3 }]);
});

test("an exception logged with a warning is not the failure; the failed test is", async () => {
  const log = [
    "$ sbt test",
    "[info] - limits requests *** FAILED ***",
    "[info]   9 was not greater than 10 (LimitTest.scala:87)",
    "[info] - applies filters",
    "Aug 01, 2019 12:43:00 AM com.example.Filter handleFailedInvocation",
    "WARNING: Filter Failed invocation: fail",
    "java.lang.IllegalStateException: fail",
    "\tat com.example.FilterTest.apply(FilterTest.scala:74)",
    "\tat com.example.FilterTest.apply(FilterTest.scala:73)",
    "\tat org.scalatest.OutcomeOf.outcomeOf(OutcomeOf.scala:85)",
    "[info] - counts dropped requests",
    "",
    'The command "sbt test" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.ranges[0]?.start, 2);
  assert.ok(res.ranges.every((r) => r.end < 6), JSON.stringify(res.ranges));
});

test("a command run with travis_retry that failed every attempt is the failed command", async () => {
  const log = [
    "$ bash build.sh",
    "  *  External link http://example.org/a failed: 404 No error",
    "HTML-Proofer found 1 failure!",
    'The command "bash build.sh" exited with 1.',
    "$ travis_retry bundle exec deploy",
    'Exception in thread "main" java.lang.ExceptionInInitializerError',
    "\tat org.jruby.Ruby.newInstance(Ruby.java:266)",
    "Caused by: java.lang.IllegalStateException: unsupported runtime version: 17",
    "",
    'The command "bundle exec deploy" failed 3 times.',
    "Done. Your build exited with 1.",
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 6, end: 8 }]);
});

test("a runner repeating its child's exit status is not the failure; the child's output is", async () => {
  const log = [
    "$ go run tools/ci.go lint",
    ">>> gometalinter --enable=goimports ./...",
    "pkg/config.go:1::warning: file is not goimported (goimports)",
    "util.go:45: exit status 1",
    'The command "go run tools/ci.go lint" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.ok(!res.ranges.some((r) => r.start <= 4 && r.end >= 4), JSON.stringify(res.ranges));
  assert.ok(res.ranges.some((r) => r.start <= 3 && r.end >= 3), JSON.stringify(res.ranges));
});

test("a check reported as '... ERROR' takes the detail printed under it", async () => {
  const log = [
    "$ R CMD check pkg",
    "* checking package namespace information ... OK",
    "* checking package dependencies ... ERROR",
    "Package required but not available: 'lubridate'",
    "",
    "See the information on DESCRIPTION files in the manual.",
    "",
    'The command "R CMD check pkg" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 3, end: 4 }]);
});

test("the lines that only say how the run ended are not part of the answer", async () => {
  const log = [
    "$ go test -v ./...",
    "=== RUN   TestEntryFormat",
    "--- FAIL: TestEntryFormat (0.03s)",
    "    list_test.go:42: expected entry to be in form of `- name: url`",
    "=== RUN   TestRender",
    "--- PASS: TestRender (0.02s)",
    "FAIL",
    "FAIL\texample.test/widgets/list\t0.178s",
    "make: *** [test] Error 1",
    'The command "go test -v ./..." exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 3, end: 4 }]);
});

test("a PHPUnit failure: from the numbered test to its file positions, without the count heading it", async () => {
  const log = [
    "$ phpunit",
    "Time: 12.40 seconds, Memory: 40.00MB",
    "",
    "There was 1 failure:",
    "",
    "1) OrderTotalsTest::test_discount_applies",
    "Failed asserting that false is true.",
    "",
    "/home/ci/app/tests/OrderTotalsTest.php:318",
    "/home/ci/app/tests/mocks/ci_testcase.php:351",
    "",
    "FAILURES!",
    "Tests: 10, Assertions: 20, Failures: 1.",
    "",
    "",
    "",
    'The command "phpunit" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 6, end: 10 }]);
});

test("Maven's epilogue after a failed test goal is not the failure; the failing test is", async () => {
  const log = [
    "$ mvn test -B",
    "Running retrofit2.ResponseTest",
    "Tests run: 15, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.051 sec <<< FAILURE!",
    "nullErrorThrows(retrofit2.ResponseTest)  Time elapsed: 0.017 sec  <<< FAILURE!",
    "java.lang.AssertionError: expected:<1> but was:<2>",
    "\tat retrofit2.ResponseTest.nullErrorThrows(ResponseTest.java:139)",
    "",
    "[INFO] Reactor Summary:",
    "[INFO] Retrofit ........................................... FAILURE [  2.130 s]",
    "[INFO] Adapters ........................................... SKIPPED",
    "[INFO] Converters ......................................... SKIPPED",
    "[INFO] BUILD FAILURE",
    "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.12.4:test (default-test) on project retrofit: There are test failures.",
    "[ERROR] ",
    "[ERROR] Please refer to /home/ci/retrofit/target/surefire-reports for the individual test results.",
    "[ERROR] -> [Help 1]",
    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
    'The command "mvn test -B" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges[0], { start: 4, end: 6 });
  assert.ok(!res.ranges.some((r) => r.start <= 13 && r.end >= 13), JSON.stringify(res.ranges));
});

test("npm's epilogue after a failed script is not the failure; the script's output is", async () => {
  const log = [
    "$ npm run lint",
    "> app@1.0.0 lint /home/ci/app",
    "> eslint src",
    "/home/ci/app/src/index.js",
    "  3:1  error  Unexpected console statement  no-console",
    "✖ 1 problem (1 error, 0 warnings)",
    "npm ERR! code ELIFECYCLE",
    "npm ERR! errno 1",
    "npm ERR! app@1.0.0 lint: `eslint src`",
    "npm ERR! Exit status 1",
    "npm ERR! ",
    "npm ERR! Failed at the app@1.0.0 lint script.",
    "npm ERR! This is probably not a problem with npm. There is likely additional logging output above.",
    "npm ERR! A complete log of this run can be found in:",
    "npm ERR!     /home/ci/.npm/_logs/2019-06-01T10_00_00_000Z-debug.log",
    'The command "npm run lint" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.ok(res.ranges.some((r) => r.start <= 5 && r.end >= 5), JSON.stringify(res.ranges));
  assert.ok(res.ranges.every((r) => r.end < 7), JSON.stringify(res.ranges));
});

test("a block that only gives the totals is not the failure when another block reports it", async () => {
  const log = [
    "$ cabal test",
    "  tables:                                  FAIL (0.06s)",
    "    expected: 1",
    "     but got: 2",
    "",
    ...Array.from({ length: 5 }, (_, i) => `Suite ${i}: 400 tests run`),
    "1 out of 250 tests failed (3.20s)",
    "Test suite widgets-test: FAIL",
    'The command "cabal test" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 2, end: 4 }]);
});

test("pytest: a passing test's parameters and the warnings summary are not the failure", async () => {
  const log = [
    "$ pytest -v",
    "tests/unit/test_retry.py::test_parse[Connection refused] PASSED          [ 40%]",
    "tests/unit/test_retry.py::test_parse[fatal: EACCES, open] PASSED [ 41%]",
    ...Array.from({ length: 5 }, (_, i) => `tests/test_utils.py::test_case_${i} PASSED [ 9${i}%]`),
    "==================================== ERRORS ====================================",
    "_______________ ERROR collecting tests/unit/test_shapes.py _______________",
    "tests/unit/test_shapes.py:14: in TestShapes",
    "E   NameError: name 'Polygon' is not defined",
    "=============================== warnings summary ===============================",
    "/venv/lib/python2.7/site-packages/_pytest/mark/structures.py:324",
    "  /venv/lib/python2.7/site-packages/_pytest/mark/structures.py:324: PytestUnknownMarkWarning: Unknown pytest.mark.usefixtures - is this a typo?",
    "    PytestUnknownMarkWarning,",
    "",
    "-- Docs: https://docs.pytest.org/en/latest/warnings.html",
    "!!!!!!!!!!!!!!!!!!! Interrupted: 1 errors during collection !!!!!!!!!!!!!!!!!!!!",
    'The command "pytest -v" exited with 2.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 10, end: 12 }]);
});

test("Common Test: a suite's totals with 0 failed are no signal, and the report ends before them", async () => {
  const log = [
    "$ make ct",
    "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
    "queue_ct_helpers:call failed on line 212",
    "Reason: {badmatch,[{conn_params,{conn_params_net}}]}",
    "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
    "",
    "Testing widget_source_SUITE: *** FAILED test case 2 of 4 ***",
    "Testing widget_source_SUITE: TEST COMPLETE, 1 ok, 1 failed, 2 skipped of 4 test cases",
    "",
    "Testing pool_SUITE: Starting test, 8 test cases",
    "Testing pool_SUITE: *** SKIPPED {pool_SUITE,init_per_suite} ***",
    "Testing pool_SUITE: TEST COMPLETE, 0 ok, 0 failed, 8 skipped of 8 test cases",
    "",
    'The command "make ct" exited with 2.',
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 3, end: 4 }]);
});

test("R CMD check: the closing 'Execution halted' and '* DONE' are not part of the failure", async () => {
  const log = [
    "$ R CMD check pkg",
    "* checking tests ...",
    "  Running 'testthat.R'",
    " ERROR",
    "Running the tests in 'tests/testthat.R' failed.",
    "  Error: Test failed: 'anomaly detection'",
    "  * Not expected: x not equal to y.",
    "  Execution halted",
    "* checking PDF version of manual ... OK",
    "* DONE",
    'The command "R CMD check pkg" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.ok(res.ranges.some((r) => r.start <= 6 && r.end >= 6), JSON.stringify(res.ranges));
  assert.ok(res.ranges.every((r) => r.end <= 7), JSON.stringify(res.ranges));
});

test("a retry loop that gives up: the ranges are its final verdict, not the attempts it retried", async () => {
  const attempt = ["src/app/app.csproj : error NU1605: Detected package downgrade: System.Data 4.6.0 to 4.5.0", "Failed to restore src/app, retrying..."];
  const log = [
    "$ ./build.sh",
    ...attempt, ...attempt, ...attempt,
    "Execution of { dotnet restore $project } by build.psm1: line 519 failed with exit code 1",
    "At build.psm1:2038 char:17",
    "+ throw $errorMessage",
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 8, end: 10 }]);
});

test("a retry loop whose last attempt prints the same error again: every attempt is the report", async () => {
  const attempt = ["Exception in thread \"main\" java.lang.ExceptionInInitializerError", "\tat org.jruby.Ruby.newInstance(Ruby.java:266)", "Caused by: java.lang.IllegalStateException: unsupported runtime version: 17"];
  const log = ["$ bundle exec deploy", ...attempt, "", "The command \"bundle exec deploy\" failed. Retrying, 2 of 2.", "", ...attempt].join("\n");
  const res = await triageLog(log);
  assert.equal(res.ranges[0]?.start, 2);
});

test("rustc's 'aborting due to previous error' ends the report: the same diagnostic printed again and cargo's verdict are not part of it", async () => {
  const diagnostic = ["error[E0463]: can't find crate for `fontconfig`", "  --> font/src/lib.rs:28:1", "   |", "28 | extern crate fontconfig;", "   | ^^^^^^^^^^^^^^^^^^^^^^^^ can't find crate", ""];
  const log = [
    "$ cargo test",
    "   Compiling font v0.1.0 (/build/font)",
    ...diagnostic,
    "error: aborting due to previous error",
    "",
    "For more information about this error, try `rustc --explain E0463`.",
    "error: Could not compile `font`.",
    "warning: build failed, waiting for other jobs to finish...",
    ...diagnostic,
    "error: aborting due to previous error",
    "error: Could not compile `font`.",
    "error: build failed",
  ].join("\n");
  const res = await triageLog(log);
  assert.deepEqual(res.ranges, [{ start: 3, end: 7 }]);
});

test("an indented finding that opens the report brings the heading it hangs under, not the command's echo", async () => {
  const log = [
    "> app@1.0.0 test /build/app",
    "> stylecheck lib/*.js",
    "",
    "stylecheck: house style (https://example.test/stylecheck)",
    "  /build/app/lib/shapes.js:12:3: A space is required after ','.",
  ].join("\n");
  assert.deepEqual((await triageLog(log)).ranges, [{ start: 4, end: 5 }]);
  const echoed = ["$ ./check.sh", "  man/page.md: error: missing section"].join("\n");
  assert.deepEqual((await triageLog(echoed)).ranges, [{ start: 2, end: 2 }]);
});

test("a TAP diagnostic block ends at its '...' line: the next test's report is another block", async () => {
  const log = [
    "ok 5 no warnings",
    "not ok 6 no errors",
    "  ---",
    "    operator: notOk",
    "    expected: false",
    "    actual:   1",
    "  ...",
    "# tests 7",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.ranges[res.ranges.length - 1]?.end, 6);
});

test("a passed test's mark ends a failure's report: mocha's progress markers do not run into its failure section", async () => {
  const log = [
    "  1) App waits for the windows to save before quitting",
    "    Recovery creates a recovery file: ",
    "  ․ Recovery creates a recovery file: 3ms",
    "    Recovery deletes it after saving: ",
    "  ․ Recovery deletes it after saving: 9ms",
    "    Parser parses arguments as normal: ",
    "  ․ Parser parses arguments as normal: 5ms",
    "",
    "  8 passing (2m)",
    "  1 failing",
    "",
    "  1) App waits for the windows to save before quitting:",
    "     Error: timeout of 45000ms exceeded. Ensure the done() callback is being called in this test.",
  ].join("\n");
  assert.deepEqual((await triageLog(log)).ranges, [{ start: 12, end: 13 }]);
});

test("eslint's findings are the report; its totals, its --fix hint and npm's epilogue are not", async () => {
  const log = [
    "> @ lint /build/app",
    "> eslint '.'",
    "",
    "/build/app/tasks/css.js",
    "  12:2  error  Unnecessary semicolon  no-extra-semi",
    "",
    "✖ 1 problem (1 error, 0 warnings)",
    "  1 error, 0 warnings potentially fixable with the `--fix` option.",
    "",
    "npm ERR! code ELIFECYCLE",
    "npm ERR! errno 1",
    "npm ERR! @ lint: `eslint '.'`",
    "npm ERR! Exit status 1",
  ].join("\n");
  assert.deepEqual((await triageLog(log)).ranges, [{ start: 4, end: 5 }]);
});
