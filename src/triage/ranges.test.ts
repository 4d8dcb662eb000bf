import assert from "node:assert/strict";
import { test } from "node:test";
import { linesFromEvidence, parseRanges } from "./ranges.js";

test("line ranges parse, sort and reject nonsense", () => {
  assert.deepEqual(parseRanges("140, 120-131"), [{ start: 120, end: 131 }, { start: 140, end: 140 }]);
  assert.throws(() => parseRanges("12-3"), /bad line range/);
  assert.throws(() => parseRanges("0"), /bad line range/);
  assert.throws(() => parseRanges("1-100000"), /at most/);
});

test("confirmed lines come from evidence only when all of them are there", () => {
  const ev = [{ line: 4, text: "a" }, { line: 5, text: "b" }];
  assert.deepEqual(linesFromEvidence([{ start: 4, end: 5 }], ev), ["a", "b"]);
  assert.equal(linesFromEvidence([{ start: 4, end: 6 }], ev), undefined);
});
