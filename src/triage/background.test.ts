import assert from "node:assert/strict";
import { test } from "node:test";
import { backgroundScore, BACKGROUND_PENALTY } from "./background.js";
import { hash32, maskLine } from "./mask.js";

const routine = "error: optional cache for job 4411 not found, continuing";

test("a background line scores less, whatever its numbers and ids; other lines and non-scoring lines do not move", () => {
  const background = new Set([hash32(maskLine(routine))]);
  assert.equal(backgroundScore(background, routine.replace("4411", "982"), 5), 5 - BACKGROUND_PENALTY);
  assert.equal(backgroundScore(background, routine, 2), 0);
  assert.equal(backgroundScore(background, "error: widget test failed", 5), 5);
  assert.equal(backgroundScore(background, routine, -2), -2);
});
