import assert from "node:assert/strict";
import { test } from "node:test";
import { confirmedExample } from "./anchors.js";
import { splitLines } from "./lines.js";
import { triageLog } from "./triage.js";

const noise = (n: number, from: number) => Array.from({ length: n }, (_, i) => `step ${from + i}: compiling module m${from + i}`);
const run = (failure: string[]) => [
  ...noise(12, 1),
  "ERROR: could not connect to cache server, continuing", // a louder line the rules like
  ...noise(6, 20),
  "$ npm test",
  "> shop@1.0.0 test /home/travis/build/acme/shop",
  ...failure,
  // npm's own trailer, which the rules take for part of the failure
  "npm ERR! code ELIFECYCLE",
  "npm ERR! errno 1",
  "npm ERR! shop@1.0.0 test: `mocha`",
  "npm ERR! Exit status 1",
  "The command \"npm test\" exited with 1.",
  "Done. Your build exited with 1.",
].join("\n");

test("few-shot: a confirmed chunk's surrounding lines place a new failure with other text", async () => {
  const earlier = run(["  1) cart totals", "     AssertionError: expected 3 to equal 4", "  1 failing"]);
  const example = confirmedExample(splitLines(earlier), [{ start: 22, end: 24 }]);
  assert.deepEqual(example.before, [noise(6, 20)[5], "$ npm test", "> shop@1.0.0 test /home/travis/build/acme/shop"]);
  assert.deepEqual(example.after, ["npm ERR! code ELIFECYCLE", "npm ERR! errno 1", "npm ERR! shop@1.0.0 test: `mocha`"]);
  assert.equal(example.linesAfter, 6);
  const log = run(["cart totals differ: 3 != 4", "  line items: apple, pear", "  checked by test/cart.js", "1 of 12 checks did not pass"]);
  // The rules alone leave npm's trailer out, and with nothing scored take the failed command's last lines.
  assert.deepEqual((await triageLog(log)).ranges, [{ start: 22, end: 25 }]);
  const res = await triageLog(log, { examples: [example] });
  assert.deepEqual(res.ranges, [{ start: 22, end: 25 }]);
  assert.equal(res.evidence[0]?.text, "cart totals differ: 3 != 4");
});

test("few-shot: examples confirmed without the lines around them still work", async () => {
  const log = run(["  1) cart totals", "     AssertionError: expected 5 to equal 6", "  1 failing"]);
  const res = await triageLog(log, { examples: [{ lines: ["  1) cart totals", "     AssertionError: expected 3 to equal 4", "  1 failing"] }] });
  assert.deepEqual(res.ranges, [{ start: 22, end: 24 }]);
});

test("few-shot: a failure the log reports twice (a retry) is placed at its first report", async () => {
  const attempt = (n: number) => ["$ npm test", "> shop@1.0.0 test /home/travis/build/acme/shop", `cart totals differ: ${n} != 4`, "  line items: apple, pear", "npm ERR! code ELIFECYCLE", "npm ERR! errno 1"];
  const example = confirmedExample(splitLines(run(["cart totals differ: 3 != 4", "  line items: apple, pear"])), [{ start: 22, end: 23 }]);
  const log = [...noise(5, 1), ...attempt(1), ...noise(3, 10), ...attempt(2), "The command \"npm test\" exited with 1.", "Done. Your build exited with 1."].join("\n");
  const res = await triageLog(log, { examples: [example] });
  assert.deepEqual(res.ranges, [{ start: 8, end: 9 }]);
});

test("few-shot: the rules' named failure wins over a window placed only by the lines around another kind of chunk", async () => {
  const job = (output: string[], code: number) => [
    ...noise(10, 1),
    "$ make test",
    ...output,
    "travis_time:end:0182d774:start=1561315767526388200,finish=1561317874115286200",
    `The command "make test" exited with ${code}.`,
    "",
    "travis_fold:start:cache.2",
    "store build cache",
    ...noise(3, 40),
  ];
  // Confirmed earlier: a run that timed out, where the runner's trailer was the whole story.
  const earlier = job(noise(5, 20), 124);
  const example = confirmedExample(earlier, [{ start: 18, end: 18 }]);
  assert.deepEqual(example.lines, ['The command "make test" exited with 124.']);
  const log = job([...noise(2, 20), "src/cart.go:12:3: error: undefined: total", ...noise(2, 30)], 1);
  const res = await triageLog(log.join("\n"), { examples: [example] });
  assert.deepEqual(res.ranges, [{ start: 14, end: 14 }]);
  assert.equal(res.topLine?.text, "src/cart.go:12:3: error: undefined: total");
});

test("few-shot: a long confirmed chunk (hundreds of lines of failure output) places a window as long", async () => {
  const report = (n: number) => ["FAILURES:", ...Array.from({ length: n }, (_, i) => `  case ${i}: expected ok, got mismatch in table_${i}`)];
  const example = confirmedExample(splitLines(run(report(500))), [{ start: 22, end: 522 }]);
  assert.equal(example.lines.length, 501);
  const res = await triageLog(run(report(520)), { examples: [example] });
  assert.deepEqual(res.ranges, [{ start: 22, end: 542 }]);
});
