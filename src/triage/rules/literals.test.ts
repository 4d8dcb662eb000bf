import assert from "node:assert/strict";
import { test } from "node:test";
import { requiredClauses, topLevelBranches } from "./literals.js";
import { compileRules, judgeLine } from "./rules.js";

test("the words an expression cannot match without are found, folded to lower case", () => {
  assert.deepEqual(requiredClauses("\\bFatal\\b"), [["fatal"]]);
  assert.deepEqual(requiredClauses("^error\\[E\\d{4}\\] in"), [["error[e"], ["] in"]]);
  assert.deepEqual(requiredClauses("timed? ?out\\b"), [["time"], ["out"]]);
  // An alternation: a word of any branch (its best, then its second best clause); longer words
  // containing a shorter one go, and so do single ASCII characters.
  assert.deepEqual(requiredClauses("no space left|disk (?:is )?full|space"), [["disk ", "space"], ["full", "space"]]);
  assert.deepEqual(requiredClauses("(?:^|\\s)e\\s*:"), []);
  // Any non-ASCII character is one symbol, "\x80": no case folding maps it to or from ASCII.
  assert.deepEqual(requiredClauses("[✗✕✖] FAILED"), [["\x80 failed"]]);
});

test("expressions that may match without a fixed word, or use unanalysed syntax, have no clauses", () => {
  assert.deepEqual(requiredClauses("\\d+|error"), []);
  assert.deepEqual(requiredClauses("(?:err)?or"), [["or"]]);
  assert.equal(requiredClauses("(a)\\1 failed"), undefined);
  assert.equal(requiredClauses("x{,3}"), undefined);
  assert.deepEqual(topLevelBranches("a|(b|c)|[|]d"), ["a", "(b|c)", "[|]d"]);
});

test("user rules match exactly as their regular expression does, whatever the filters skip", () => {
  const rules = [
    { id: "backref", match: "(\\w+) \\1 failed", score: 6 },
    { id: "case", match: "DEADLOCK detected", score: 5, caseSensitive: true },
    { id: "unicode", match: "[✗✘] \\S+", score: 4 },
    { id: "quiet", match: "deadlock", score: -2 },
  ];
  const fast = compileRules(rules);
  const full = compileRules(rules, { filtered: false });
  const lines = ["job job failed", "job done failed", "DEADLOCK detected in tx", "deadlock detected in tx", "✘ test_x", "x test_x", "ÉRROR"];
  const summary = (v: ReturnType<typeof judgeLine>) => [v.score, v.top?.spec.id, v.categorized.map((r) => r.spec.id)];
  for (const line of lines) assert.deepEqual(summary(judgeLine(fast, line)), summary(judgeLine(full, line)), line);
  assert.equal(judgeLine(fast, "job job failed").top?.spec.id, "backref");
  assert.equal(judgeLine(fast, "DEADLOCK detected in tx").score, 3);
});

test("on random expressions and lines, skipping rules by their words never changes a verdict", () => {
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const pick = (items: readonly string[]) => items[rnd(items.length)] ?? "";
  const atoms = ["fail", "Err", "ok", "a", "e", " ", ":", "é", "✗", "\\d", "\\s", "\\w", ".", "[ab]", "[✗✕]", "[^a]", "\\b", "^", "$", "\\.", "\\x41"];
  const quantifiers = ["", "", "", "?", "*", "+", "{2}", "{1,3}", "+?"];
  const expr = (depth: number): string =>
    Array.from({ length: 1 + rnd(3) }, () =>
      Array.from({ length: 1 + rnd(4) }, () => (depth < 2 && rnd(6) === 0 ? `(?:${expr(depth + 1)})` : pick(atoms)) + pick(quantifiers)).join(""),
    ).join("|");
  const chars = ["fail", "ERR", "ok", "a", "E", " ", ":", "é", "É", "✗", "1", "-", ".", "K", "\u212a"];
  for (let k = 0; k < 300; k++) {
    const match = expr(0);
    try {
      new RegExp(match);
    } catch {
      continue;
    }
    const rules = [{ id: "r", match, score: 5 }];
    const fast = compileRules(rules);
    const full = compileRules(rules, { filtered: false });
    for (let j = 0; j < 30; j++) {
      const line = Array.from({ length: rnd(10) }, () => pick(chars)).join("");
      assert.equal(judgeLine(fast, line).score, judgeLine(full, line).score, `${match} on ${JSON.stringify(line)}`);
    }
  }
});
