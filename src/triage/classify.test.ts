import assert from "node:assert/strict";
import { test } from "node:test";
import { triageLog } from "./triage.js";

test("a category named only by a discounted line (a passed test quoting 'Permission denied') is not the failure's", async () => {
  const log = [
    "tests/unit/test_perms.py::test_parse[./build.sh: Permission denied] PASSED [ 18%]",
    "$ lint-tool",
    "./app/rules/init.py:8:9: E128 continuation line under-indented for visual indent",
    "The command \"lint-tool\" exited with 1.",
  ].join("\n");
  const res = await triageLog(log);
  assert.notEqual(res.category, "permission");
});
