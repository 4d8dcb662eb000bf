import assert from "node:assert/strict";
import { test } from "node:test";
import { lexiconScore, lineWords, type Lexicon } from "./lexicon.js";
import { triageLog } from "./triage.js";

const lexicon = (weights: Record<string, number>, scale = 1): Lexicon => ({ weights: new Map(Object.entries(weights)), scale, cap: 4 });

test("lineWords counts each masked lower-case word of three letters or more once", () => {
  assert.deepEqual(lineWords("Widget FAILED: widget id 12345, ok"), ["widget", "failed"]);
});

test("lexiconScore adds the words' weights and clips the sum", () => {
  const lex = lexicon({ broken: 3, flux: -1, gizmo: 3 });
  assert.equal(lexiconScore(lex, "the gizmo flux"), 2);
  assert.equal(lexiconScore(lex, "broken gizmo"), 4);
  assert.equal(lexiconScore(lex, "nothing known here"), 0);
});

test("a line no rule knows leads the answer when the vocabulary marks it", async () => {
  const tail = Array.from({ length: 40 }, (_, i) => `packing crate ${i}`);
  const log = ["step one", "compiling widgets", "gizmo wobbled beyond tolerance", "cleanup done", ...tail].join("\n");
  const plain = await triageLog(log);
  assert.ok(!plain.ranges.some((r) => r.start <= 3 && r.end >= 3), "without the vocabulary the line is not picked");
  const learned = await triageLog(log, { lexicon: lexicon({ wobbled: 3, tolerance: 2 }) });
  assert.ok(learned.ranges.some((r) => r.start <= 3 && r.end >= 3), `picked ${JSON.stringify(learned.ranges)}`);
});
