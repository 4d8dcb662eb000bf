import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LATENCY_BUCKETS_MS } from "../core/index.js";
import { countAbove, diffStats, errorRate, latencyQuantile } from "./stats.js";
import { windowOf } from "./testing.js";

const close = (actual: number | null, expected: number, tolerance = 1e-6) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} is not ≈ ${expected}`);

describe("windows", () => {
  test("diffStats subtracts two cumulative snapshots field by field", () => {
    const before = windowOf({ requests: 100, errors: 5, latency: { 10: 60, 100: 40 } });
    const after = windowOf({ requests: 250, errors: 20, latency: { 10: 100, 100: 140, [Infinity]: 10 } });
    const w = diffStats(before, after);
    assert.equal(w.requests, 150);
    assert.deepEqual(w.statusClasses, { "2xx": 135, "3xx": 0, "4xx": 0, "5xx": 15, error: 0 });
    assert.equal(w.latencyBuckets[LATENCY_BUCKETS_MS.indexOf(10)], 40);
    assert.equal(w.latencyBuckets[LATENCY_BUCKETS_MS.indexOf(100)], 100);
    assert.equal(w.latencyBuckets[LATENCY_BUCKETS_MS.length], 10);
  });

  test("a missing before is zeros, and counters that went backwards (router restart) start over", () => {
    const after = windowOf({ requests: 30, errors: 3 });
    assert.deepEqual(diffStats(undefined, after), after);
    const before = windowOf({ requests: 500, errors: 1 });
    assert.deepEqual(diffStats(before, after), after);
  });

  test("errorRate counts 5xx and proxy errors, and is null without requests", () => {
    const w = windowOf({ requests: 200, errors: 10 });
    w.statusClasses.error = 10;
    w.statusClasses["2xx"] -= 10;
    assert.equal(errorRate(w), 0.1);
    assert.equal(errorRate(windowOf({ requests: 0 })), null);
  });
});

describe("latencyQuantile", () => {
  // 50 requests in (7, 10] ms and 50 in (75, 100] ms.
  const w = windowOf({ requests: 100, latency: { 10: 50, 100: 50 } });

  test("interpolates linearly inside the bucket that holds the rank", () => {
    close(latencyQuantile(w, 0.5), 10);
    close(latencyQuantile(w, 0.25), 8.5);
    close(latencyQuantile(w, 0.95), 97.5);
    close(latencyQuantile(w, 0.99), 99.5);
  });

  test("the first bucket starts at 0; the +Inf bucket reports the last finite bound", () => {
    close(latencyQuantile(windowOf({ requests: 10, latency: { 1: 10 } }), 0.5), 0.5);
    const slow = windowOf({ requests: 10, latency: { 10: 5, [Infinity]: 5 } });
    assert.equal(latencyQuantile(slow, 0.99), LATENCY_BUCKETS_MS.at(-1));
  });

  test("an empty histogram has no quantile", () => {
    assert.equal(latencyQuantile(windowOf({ requests: 0, latency: {} }), 0.95), null);
  });

  test("countAbove agrees with the quantile under the same in-bucket assumption", () => {
    close(countAbove(w, 97.5), 5);
    close(countAbove(w, 10), 50);
    close(countAbove(w, 5), 100);
  });
});
