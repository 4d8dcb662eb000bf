import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTriage } from "./format.js";
import { triageLog } from "./triage.js";

const inRanges = (no: number, ranges: readonly { start: number; end: number }[]) => ranges.some((r) => no >= r.start && no <= r.end);

test("the exception names the failure, not the wrapper's 'N/M failed!' that repeats it", async () => {
  const log = [
    "Running test_overrides 1/1 ...",
    "Traceback (most recent call last):",
    '  File "/w/test/test_overrides.py", line 382, in <module>',
    "    generate_tensor_like_torch_implementations()",
    "AssertionError: The following functions are not tested for __torch_function__ support",
    "Got exit code 1",
    "test_overrides 1/1 failed!",
    "Traceback (most recent call last):",
    '  File "/w/test/run_test.py", line 2169, in run_tests',
    "    raise RuntimeError(failure.message + keep_going_message)",
    "RuntimeError: test_overrides 1/1 failed!",
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 5);
});

test("a failed build target names the failure, not a later cache step's access error", async () => {
  const log = [
    "[1275/3874] Linking CXX static library lib/libdnnl.a",
    "FAILED: [code=127] third_party/fmt/CMakeFiles/fmt.dir/src/format.cc.o.ddi",
    "/bin/sh: 1: CMAKE_CXX_COMPILER_CLANG_SCAN_DEPS-NOTFOUND: not found",
    "[1277/3874] Linking CXX static library lib/libtensorpipe_cuda.a",
    "ninja: build stopped: subcommand failed.",
    "",
    "ERROR Backend subprocess exited when trying to invoke build_wheel",
    "##[group]Sccache Compilation Log",
    'storage write check failed: PermissionDenied (permanent) at write => S3Error { code: "AccessDenied", message: "Access Denied" }',
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.topLine?.line, 2);
});

test("a step's settings (`timeout-minutes: 240`) never name the failure", async () => {
  const log = [
    "  runs_on: linux.rocm.gpu",
    "  timeout-minutes: 240",
    "##[group]Starting job container",
    "Error response from daemon: manifest for python:3.14t not found: manifest unknown: manifest unknown",
    "##[error]Docker pull failed with exit code 1",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 4);
});

test("a test that failed again in the runner's failure section: its last report", async () => {
  const log = [
    "test_torch.py::TestTorch::test_cauchy FAILED [3.6635s] [ 31%]",
    "==================================== RERUNS ====================================",
    "____________ TestTorch.test_cauchy ____________",
    "Traceback (most recent call last):",
    '  File "/w/test/test_torch.py", line 2445, in test_cauchy',
    "    res = stats.kstest(t)",
    "RuntimeError: Subtraction, the `-` operator, with a bool tensor is not supported.",
    "=================================== FAILURES ===================================",
    "____________ TestTorch.test_cauchy ____________",
    "Traceback (most recent call last):",
    '  File "/w/test/test_torch.py", line 2445, in test_cauchy',
    "    res = stats.kstest(t)",
    "RuntimeError: Subtraction, the `-` operator, with a bool tensor is not supported.",
    "##[error]Process completed with exit code 1.",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 9);
});

test("a failed command with no flagged line: its last lines, from where their wrapped sentence starts", async () => {
  const log = [
    "##[group]Run bash .github/scripts/pr-size-check.sh",
    "INFO: PR SIZE is 3174",
    "",
    "Your PR is 3174 LOC which is more than the 2000 maximum",
    "allowed within this project. Please split up",
    "your PR into smaller pieces that can be reviewed.",
    "If you think that this rule should not apply to your PR,",
    "please contact the maintainers.",
    "",
    "##[error]Process completed with exit code 1.",
  ].join("\n");
  assert.equal((await triageLog(log)).topLine?.line, 4);
});

test("a top line outside the ranges is shown among the evidence, marked", async () => {
  const log = [
    "Running test_overrides 1/1 ...",
    "AssertionError: The following functions are not tested for __torch_function__ support",
    "Got exit code 1",
    "test_overrides 1/1 failed!",
    "Emitting td_test_failure_stats_v2",
    ...Array.from({ length: 20 }, (_, i) => `Uploading artifact ${i}`),
    "Traceback (most recent call last):",
    '  File "/w/test/run_test.py", line 2169, in run_tests',
    "    raise RuntimeError(failure.message + keep_going_message)",
    "RuntimeError: test_overrides 1/1 failed!",
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
