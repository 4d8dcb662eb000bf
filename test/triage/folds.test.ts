import assert from "node:assert/strict";
import { test } from "node:test";
import { foldsByRepo, leaveOneOut } from "../../bench/triage/folds.js";

const logs = Array.from({ length: 60 }, (_, i) => ({ repo: `owner@repo${i % 13}`, id: i }));

test("folds split by repository: no repository in two folds, every log held out once, trained on the rest", () => {
  const folds = foldsByRepo(logs, (l) => l.repo, 5);
  assert.equal(folds.length, 5);
  const heldBy = new Map<string, number>();
  for (const f of folds) {
    for (const l of f.test) {
      const before = heldBy.get(l.repo);
      assert.ok(before === undefined || before === f.index, `${l.repo} is in folds ${before} and ${f.index}`);
      heldBy.set(l.repo, f.index);
    }
    const held = new Set(f.repos);
    assert.ok(f.train.every((l) => !held.has(l.repo)), "a held-out repository's log is in the training set");
    assert.equal(f.train.length + f.test.length, logs.length);
  }
  assert.deepEqual(folds.flatMap((f) => f.test.map((l) => l.id)).sort((a, b) => a - b), logs.map((l) => l.id));
  // Balanced by log count, and the same folds in every run.
  const sizes = folds.map((f) => f.test.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 5, JSON.stringify(sizes));
  assert.deepEqual(foldsByRepo(logs, (l) => l.repo, 5).map((f) => f.repos), folds.map((f) => f.repos));
});

test("fewer repositories than folds: one fold per repository; leave-one-out holds each item once", () => {
  assert.equal(foldsByRepo(logs.slice(0, 3), (l) => l.repo, 5).length, 3);
  const loo = leaveOneOut(logs.slice(0, 4), (l) => String(l.id));
  assert.deepEqual(loo.map((f) => f.test.map((l) => l.id)), [[0], [1], [2], [3]]);
  assert.ok(loo.every((f) => f.train.length === 3));
});
