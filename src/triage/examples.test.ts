import assert from "node:assert/strict";
import { test } from "node:test";
import { triageLog } from "./triage.js";

test("few-shot: the window that reads like a confirmed chunk is the answer, with its own length", async () => {
  const noise = (n: number, from: number) => Array.from({ length: n }, (_, i) => `step ${from + i}: compiling module m${from + i}`);
  const log = [
    ...noise(20, 1),
    "ERROR: could not connect to cache server, continuing", // a louder line the rules like
    ...noise(10, 30),
    "** (throw) \"Keys not sorted \\\"pears\\\" before \\\"apples\\\"\"",
    "    sorted.exs:12: Catalog.Sorted.check_keys/1",
    "    sorted.exs:48: anonymous fn/2 in Catalog.check_file/1",
    "    (elixir) lib/enum.ex:912: Enum.\"-each/2-lists^foreach/1-0-\"/2",
    ...noise(5, 50),
  ].join("\n");
  const example = [
    "** (throw) \"Keys not sorted \\\"plums\\\" before \\\"figs\\\"\"",
    "    sorted.exs:12: Catalog.Sorted.check_keys/1",
    "    sorted.exs:48: anonymous fn/2 in Catalog.check_file/1",
    "    (elixir) lib/enum.ex:912: Enum.\"-each/2-lists^foreach/1-0-\"/2",
  ];
  const res = await triageLog(log, { examples: [{ lines: example }] });
  assert.deepEqual(res.ranges, [{ start: 32, end: 35 }]);
  assert.equal(res.method, "examples");
});
