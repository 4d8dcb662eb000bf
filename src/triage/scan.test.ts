import assert from "node:assert/strict";
import { test } from "node:test";
import type { Refinement } from "./refine.js";
import { ruleSet } from "./rules/rules.js";
import { FailureScanner } from "./scan.js";

const log = [
  "$ ./build.sh",
  "compiling gears",
  "note: widget cache is cold",
  "error: gear 7 has no teeth",
  "  at mesh (src/gears.rs:12)",
  "compiling sprockets",
  'The command "./build.sh" exited with 1.',
];

// A step of its own: it calls the note line a failure, as a confirmed example would.
const notesMatter: Refinement = {
  line(view) {
    if (view.text.startsWith("note:")) view.score += 8;
  },
};

function scan(steps: readonly Refinement[]) {
  const scanner = new FailureScanner({ rules: ruleSet(), steps });
  log.forEach((line, i) => scanner.line(line, i + 1));
  return scanner.finish();
}

test("a refinement step moves the refined blocks; the rules' own blocks come from the same pass, as a plain scan builds them", () => {
  const plain = scan([]);
  const refined = scan([notesMatter]);
  assert.equal(plain.rulesOnly, undefined, "without a step there is one view");
  assert.ok(refined.blocks.some((b) => b.lines.some((l) => l.no === 3 && l.score >= 8)), "the step's score reached the refined blocks");
  assert.deepEqual(refined.rulesOnly?.blocks, plain.blocks);
  assert.deepEqual(refined.rulesOnly?.failedCommands, plain.failedCommands);
});
