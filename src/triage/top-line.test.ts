import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTriage } from "./format.js";
import { triageLog } from "./triage.js";

const inRanges = (no: number, ranges: readonly { start: number; end: number }[]) => ranges.some((r) => no >= r.start && no <= r.end);

test("the exception names the failure, not the wrapper's 'N/M failed!' that repeats it", async () => {
  const log = [
    "Running test_widgets 1/1 ...",
    "Traceback (most recent call last):",
    '  File "/w/test/test_widgets.py", line 57, in <module>',
    "    check_every_widget_is_registered()",
    "AssertionError: The following widgets are not registered in the catalogue",
    "Got exit code 1",
    "test_widgets 1/1 failed!",
    "Traceback (most recent call last):",
    '  File "/w/test/run_suite.py", line 640, in run_all',
    "    raise RuntimeError(failure.message + hint)",
    "RuntimeError: test_widgets 1/1 failed!",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 5);
});

test("a failed build target names the failure, not a later cache step's access error", async () => {
  const log = [
    "[210/640] Linking CXX static library lib/libgears.a",
    "FAILED: [code=127] vendor/strfmt/CMakeFiles/strfmt.dir/src/strfmt.cc.o.ddi",
    "/bin/sh: 1: SCAN_DEPS_TOOL-NOTFOUND: not found",
    "[212/640] Linking CXX static library lib/libsprockets.a",
    "ninja: build stopped: subcommand failed.",
    "",
    "ERROR Backend subprocess exited when trying to invoke build_wheel",
    "##[group]Compiler Cache Log",
    'cache write check failed: PermissionDenied (permanent) at write => StoreError { code: "AccessDenied", message: "Access Denied" }',
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 2);
});

test("a step's settings (`timeout-minutes: 90`) never name the failure", async () => {
  const log = [
    "  runs_on: linux.large.gpu",
    "  timeout-minutes: 90",
    "##[group]Starting job container",
    "Error response from daemon: manifest for tools/builder:9.9 not found: manifest unknown: manifest unknown",
    "##[error]Docker pull failed with exit code 1",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 4);
});

test("a test that failed again in the runner's failure section: its last report", async () => {
  const log = [
    "test_gears.py::TestGears::test_mesh FAILED [1.2040s] [ 31%]",
    "==================================== RERUNS ====================================",
    "____________ TestGears.test_mesh ____________",
    "Traceback (most recent call last):",
    '  File "/w/test/test_gears.py", line 88, in test_mesh',
    "    res = mesh(a, b)",
    "RuntimeError: Meshing two gears of different pitch is not supported.",
    "=================================== FAILURES ===================================",
    "____________ TestGears.test_mesh ____________",
    "Traceback (most recent call last):",
    '  File "/w/test/test_gears.py", line 88, in test_mesh',
    "    res = mesh(a, b)",
    "RuntimeError: Meshing two gears of different pitch is not supported.",
    "##[error]Process completed with exit code 1.",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 9);
});

test("a failed command with no flagged line: its last lines, from where their wrapped sentence starts", async () => {
  const log = [
    "##[group]Run bash scripts/change-size.sh",
    "INFO: CHANGE SIZE is 2480",
    "",
    "Your change is 2480 lines, more than the 1500 allowed",
    "in this repository. Please split",
    "it into smaller changes that can be reviewed.",
    "If you believe this limit should not apply here,",
    "please contact the maintainers.",
    "",
    "##[error]Process completed with exit code 1.",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 4);
});

test("a top line outside the ranges is shown among the evidence, marked", async () => {
  const log = [
    "Running test_widgets 1/1 ...",
    "AssertionError: The following widgets are not registered in the catalogue",
    "Got exit code 1",
    "test_widgets 1/1 failed!",
    "Emitting widget_failure_stats",
    ...Array.from({ length: 20 }, (_, i) => `Uploading artifact ${i}`),
    "Traceback (most recent call last):",
    '  File "/w/test/run_suite.py", line 640, in run_all',
    "    raise RuntimeError(failure.message + hint)",
    "RuntimeError: test_widgets 1/1 failed!",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 2);
  assert.ok(!inRanges(2, res.ranges), `ranges ${JSON.stringify(res.ranges)} should not hold the top line for this test`);
  assert.ok(res.evidence.some((e) => e.line === 2));
  assert.match(formatTriage(res), /^> +2 \| AssertionError: /m);
});

test("a message's indented cause chain details it: the message names the failure, not a 'Caused by: Failed ...' under it", async () => {
  const log = [
    "+ pip-tool sync requirements.lock",
    "Resolved 42 packages in 1.2s",
    "error: Error while fetching the package index from 'https://pypi.example.org/simple'",
    "  Caused by: Failed to download https://pypi.example.org/simple/numpy/",
    "  Caused by: error sending request for url (https://pypi.example.org/simple/numpy/)",
    "  Caused by: failed to lookup address information: Name or service not known",
    "##[error]Process completed with exit code 2.",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 3);
});

test("of the CI's error annotations, the first names the failure, not the runner's explanation after it", async () => {
  const log = [
    "Run ./scripts/integration.sh",
    "[hooks] FATAL: received SIGTERM",
    "##[error]received SIGTERM",
    "##[error]Step cancelled by the runner (received SIGTERM). This usually means the job was cancelled or a newer run superseded it",
    "Cleaning up orphan processes",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 3);
});

test("an exception names the failure, not a stack frame under it that happens to say 'AssertionFailed'", async () => {
  const log = [
    "[info] ParserSpec:",
    'com.example.CheckFailedException: "[]" did not equal "[a]"',
    "\tat com.example.Checks.newAssertionFailedException(Checks.scala:52)",
    "\tat com.example.Checks.assertResult(Checks.scala:80)",
    "\tat com.example.ParserSpec.parses(ParserSpec.scala:12)",
    "[info] Run completed in 2 seconds.",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 2);
});
