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
  const okLine = maskLine("ok  \tgithub.com/acme/tool/internal/api\t0.021s");
  assert.deepEqual(passVerdict(known, okLine, 4), { score: 1, novel: false, continues: true });
  assert.deepEqual(passVerdict(known, okLine, 0), { score: 0, novel: false, continues: false });
  assert.deepEqual(passVerdict(known, maskLine("panic: boom"), 4), { score: 4, novel: true, continues: true });
});

test("with a passing log, the failure's block runs on over the lines only the failed log has", async () => {
  const withPass = await triageLog(failLog, { passLog });
  assert.deepEqual(withPass.ranges, [{ start: 2, end: 10 }]);
  // Without it, the block stops at the last frame: `created by ...` could be anyone's output.
  assert.deepEqual((await triageLog(failLog)).ranges, [{ start: 2, end: 9 }]);
});

test("with a passing log, the new lines leading to the error belong to it", async () => {
  const pass = ["#6 [2/3] RUN apk add git", "#6 DONE 1.2s", "#7 exporting layers", "#7 DONE 0.3s", "Post job cleanup."].join("\n");
  const fail = [
    "#6 [2/3] RUN apk add git",
    "#6 CANCELED",
    "------",
    " > [2/3] RUN apk add git:",
    "------",
    "build-Dockerfile:32",
    "  32 | >>> RUN apk add git",
    "error: failed to solve: failed to fetch content descriptor",
    "Post job cleanup.",
  ].join("\n");
  assert.deepEqual((await triageLog(fail, { passLog: pass })).ranges, [{ start: 2, end: 8 }]);
  assert.equal((await triageLog(fail)).ranges[0]?.start, 8);
});

test("a lone new line before the error, or a long stretch of them, does not lead to it", async () => {
  const pass = ["go: downloading example.com/a v1.0.0", "ok  \texample.com/a\t(cached)", "Post job cleanup."].join("\n");
  const lone = ["go: downloading example.com/a v1.0.0", "go: downloading example.com/b v1.2.0", "ERROR: go.mod/go.sum are not up-to-date", "Post job cleanup."].join("\n");
  assert.deepEqual((await triageLog(lone, { passLog: pass })).ranges, [{ start: 3, end: 3 }]);
  const routine = Array.from({ length: 30 }, (_, i) => `ok  \texample.com/pkg${i}\t0.0${i}s`);
  const long = [...routine, "--- FAIL: TestX (0.00s)", "Post job cleanup."].join("\n");
  assert.equal((await triageLog(long, { passLog: pass })).ranges[0]?.start, 31);
});

test("with a passing log, a failed command's last lines that both runs print are not the failure", async () => {
  const pass = ["##[group]Run make check", "==> Checking formatting...", "==> Checking switch exhaustiveness...", "Post job cleanup."].join("\n");
  const fail = [
    "##[group]Run make check",
    "==> Checking formatting...",
    "==> Checking switch exhaustiveness...",
    "##[error]/home/runner/work/app/change.go:85:2: missing cases in switch of type plans.Action",
    "exit status 3",
    "make: *** [Makefile:27: exhaustive] Error 1",
    "##[error]Process completed with exit code 2.",
    "Post job cleanup.",
  ].join("\n");
  assert.deepEqual((await triageLog(fail, { passLog: pass })).ranges, [{ start: 4, end: 6 }]);
  // Without it, the runner's exit status and make's `*** [target] Error 1` only close the failure.
  assert.deepEqual((await triageLog(fail)).ranges, [{ start: 4, end: 4 }]);
});

test("with a passing log, the block's edge lines that both runs print are left out", async () => {
  const checkout = [
    " > git init /builds/workspace/app # timeout=10",
    "Fetching upstream changes from https://github.com/acme/app.git",
    " > git --version # timeout=10",
    " > git fetch --tags --progress https://github.com/acme/app.git +refs/heads/*:refs/remotes/origin/* # timeout=10",
  ];
  const pass = [...checkout, "Checking out Revision 1234abcd", "Finished: SUCCESS"].join("\n");
  const fail = [
    ...checkout,
    "ERROR: Error cloning remote repo 'origin'",
    'hudson.plugins.git.GitException: Command "git fetch" returned status code 128:',
    "stderr: fatal: unable to access 'https://github.com/acme/app.git/': The requested URL returned error: 503",
    "\tat org.jenkinsci.plugins.gitclient.CliGitAPIImpl.launchCommandIn(CliGitAPIImpl.java:2681)",
    "Finished: FAILURE",
  ].join("\n");
  // Jenkins' closing `Finished: FAILURE` is its verdict, not the failure: left out too.
  assert.deepEqual((await triageLog(fail, { passLog: pass })).ranges, [{ start: 5, end: 8 }]);
  assert.deepEqual((await triageLog(fail)).ranges, [{ start: 5, end: 8 }]);
});

test("with a passing log, a failure reported at length is one block past 300 lines", async () => {
  const frames = Array.from({ length: 500 }, (_, i) => `    at spoon.reflect.visitor.CtScanner.scan${i % 7}(CtScanner.java:${100 + i})`);
  const fail = ["[INFO] running Spoon...", "[ERROR] No space left on device", ...frames, "[INFO] BUILD FAILURE"].join("\n");
  const res = await triageLog(fail, { passLog: "[INFO] running Spoon...\n[INFO] BUILD SUCCESS" });
  // The INFO-level summary after the frames is the logger's own line, not the failure.
  assert.deepEqual(res.ranges, [{ start: 2, end: 502 }]);
  assert.ok(res.evidence.every((l) => l.text !== ""), "the shown lines keep their text");
  assert.deepEqual((await triageLog(fail)).ranges, [{ start: 2, end: 301 }]);
});

const passingTests = Array.from({ length: 6 }, (_, i) => [`ParserTest > testCase${i}() PASSED`, ""]).flat();
const gradleFail = [
  "> Task :app:test",
  ...passingTests.slice(0, 6),
  "ParserTest > testParsing() FAILED",
  "    java.lang.IllegalArgumentException: java.nio.file.NoSuchFileException: ../data/run_399.log",
  "        at org.acme.LogParser.parseLog(LogParser.java:39)",
  "        at org.acme.ParserTest.testParsing(ParserTest.java:69)",
  "",
  ...passingTests.slice(6),
  "27 tests completed, 1 failed",
  "",
  "FAILURE: Build failed with an exception.",
  "",
  "* What went wrong:",
  "Execution failed for task ':app:test'.",
  "> There were failing tests. See the report at: file:///home/runner/work/app/build/reports/tests/test/index.html",
  "",
  "BUILD FAILED in 13s",
].join("\n");

test("with a passing log, a weaker block of new lines joins the answer: the test's own report and the build summary", async () => {
  const pass = ["> Task :app:test", ...passingTests, "ParserTest > testParsing() PASSED", "", "BUILD SUCCESSFUL in 12s"].join("\n");
  assert.deepEqual((await triageLog(gradleFail, { passLog: pass })).ranges, [{ start: 8, end: 11 }, { start: 19, end: 27 }]);
  assert.deepEqual((await triageLog(gradleFail)).ranges, [{ start: 19, end: 27 }]);
});

test("with a passing log, a weaker block mostly printed by the passing log too stays out", async () => {
  const pass = ["> Task :app:test", ...passingTests, "ParserTest > testParsing() FAILED", "    java.lang.IllegalArgumentException: java.nio.file.NoSuchFileException: ../data/run_12.log", "        at org.acme.LogParser.parseLog(LogParser.java:41)", "        at org.acme.ParserTest.testParsing(ParserTest.java:70)", "BUILD SUCCESSFUL in 12s"].join("\n");
  assert.deepEqual((await triageLog(gradleFail, { passLog: pass })).ranges, [{ start: 19, end: 27 }]);
});

test("with a passing log, error boilerplate both runs print still continues the report it follows", async () => {
  const boilerplate = [
    "[ERROR] ",
    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
    "[ERROR] ",
    "[ERROR] For more information about the errors and possible solutions, please read the following articles:",
  ];
  const pass = ["[INFO] BUILD FAILURE", "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.12:test on project core", ...boilerplate, "Finished: FAILURE"].join("\n");
  const fail = [
    "[INFO] BUILD FAILURE",
    "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.7.0:testCompile on project diff-test-selection: Compilation failure",
    ...boilerplate,
    "[ERROR] After correcting the problems, you can resume the build with the command",
    "Finished: FAILURE",
  ].join("\n");
  assert.deepEqual((await triageLog(fail, { passLog: pass })).ranges, [{ start: 2, end: 8 }]);
});

test("with a passing log, trimming the lines both runs print never drops the top line", async () => {
  const shared = ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "npm ERR! code ELIFECYCLE", "npm ERR! errno 134"];
  const log = ["Compiling 12 files", "Linking app", "Running tests", ...shared, "Done"].join("\n");
  const res = await triageLog(log, { passLog: ["", ...shared, "Done"].join("\n") });
  assert.equal(res.topLine?.line, 4);
  assert.deepEqual(res.ranges, [{ start: 1, end: 4 }]);
});
