import assert from "node:assert/strict";
import { test } from "node:test";
import { blockContext, blockFeatures, checkModel, linearScore, positionWeight, PRIOR_MODEL } from "./block-model.js";
import { ruleSet } from "./rules/rules.js";
import { blockStrength, type Block } from "./blocks.js";
import { triageLog } from "./triage.js";

const block = (start: number, peak: number, mass: number, extra: Partial<Block> = {}): Block => ({
  start,
  end: start + 2,
  lines: [0, 1, 2].map((i) => ({ no: start + i, text: i === 0 ? "error: made-up failure" : "  detail", score: i === 0 ? peak : 0, rule: undefined, categorized: [] })),
  mass,
  peak,
  step: null,
  seq: 0,
  ...extra,
});

test("the prior block model is the hand-set ranking: strength x position x failed-command boost", () => {
  const blocks = [block(10, 5, 8), block(50, 3, 3, { inFailedCommand: true }), block(90, 2, 2, { inFailedCommand: true, inLastFailedCommand: true })];
  const ctx = blockContext(blocks, 100, ruleSet().markers);
  const boosts = [1, 3, 6];
  blocks.forEach((b, i) => {
    const handSet = blockStrength(b) * positionWeight(b, 100) * (boosts[i] ?? 1);
    assert.ok(Math.abs(Math.exp(linearScore(PRIOR_MODEL, blockFeatures(b, ctx))) - handSet) < 1e-9);
  });
});

test("a model trained for other features is refused", () => {
  assert.throws(() => checkModel({ ...PRIOR_MODEL, features: ["rule-strength"] }), /retrain|trained for features/);
});

test("the triage says why it picked each evidence block", async () => {
  const log = [
    "$ make lint",
    "warning: deprecated option",
    "$ make test",
    "running 12 tests",
    "FAILED tests/test_shapes.py::test_area - AssertionError: 3 != 4",
    "  assert area(square) == 4",
    'The command "make test" exited with 1.',
  ].join("\n");
  const res = await triageLog(log);
  assert.equal(res.why.length, 1);
  assert.match(res.why[0] ?? "", /^lines? 5/);
  assert.match(res.why[0] ?? "", /last failed command|rule strength/);
});
