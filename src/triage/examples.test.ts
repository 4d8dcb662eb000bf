import assert from "node:assert/strict";
import { test } from "node:test";
import { triageLog } from "./triage.js";

test("few-shot: the window that reads like a confirmed chunk is the answer, with its own length", async () => {
  const noise = (n: number, from: number) => Array.from({ length: n }, (_, i) => `step ${from + i}: compiling module m${from + i}`);
  const log = [
    ...noise(20, 1),
    "ERROR: could not connect to cache server, continuing", // a louder line the rules like
    ...noise(10, 30),
    "** (throw) \"Words not in order \\\"exos\\\" and \\\"ex_lttb\\\"\"",
    "    check.exs:9: Awesome.Order.check_string_list_in_order/1",
    "    check.exs:130: anonymous fn/2 in Awesome.test_file/1",
    "    (elixir) lib/enum.ex:737: Enum.\"-each/2-lists^foreach/1-0-\"/2",
    ...noise(5, 50),
  ].join("\n");
  const example = [
    "** (throw) \"Words not in order \\\"weather\\\" and \\\"coderplanets.com\\\"\"",
    "    check.exs:9: Awesome.Order.check_string_list_in_order/1",
    "    check.exs:130: anonymous fn/2 in Awesome.test_file/1",
    "    (elixir) lib/enum.ex:737: Enum.\"-each/2-lists^foreach/1-0-\"/2",
  ];
  const res = await triageLog(log, { examples: [{ lines: example }] });
  assert.deepEqual(res.ranges, [{ start: 32, end: 35 }]);
  assert.equal(res.method, "examples");
});
