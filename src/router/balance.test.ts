import assert from "node:assert/strict";
import { test } from "node:test";
import { LATENCY_BUCKETS_MS } from "../core/index.js";
import { pickWeighted, planCandidates } from "./balance.js";
import { bucketIndex, createRouteStats, statusClassOf } from "./stats.js";

test("weighted choice ignores zero weights and follows the weights", () => {
  const backends = [
    { version: "a", weight: 0, targets: ["x:1"] },
    { version: "b", weight: 25, targets: ["x:2"] },
    { version: "c", weight: 75, targets: ["x:3"] },
  ];
  assert.equal(pickWeighted(backends, () => 0)?.version, "b");
  assert.equal(pickWeighted(backends, () => 0.2499)?.version, "b");
  assert.equal(pickWeighted(backends, () => 0.25)?.version, "c");
  assert.equal(pickWeighted(backends, () => 0.9999)?.version, "c");
  assert.equal(pickWeighted([{ version: "a", weight: 0, targets: [] }]), undefined);
});

test("the plan tries the chosen version round-robin, then weighted versions, then the rest", () => {
  const route = {
    key: "s/e",
    port: 1,
    backends: [
      { version: "old", weight: 0, targets: ["o:1"] },
      { version: "canary", weight: 10, targets: ["c:1", "c:2"] },
      { version: "base", weight: 90, targets: ["b:1"] },
    ],
  };
  const cursors = new Map<string, number>();
  const first = planCandidates(route, cursors, () => 0)!;
  assert.equal(first.version, "canary");
  assert.deepEqual(first.candidates.map((c) => c.target), ["c:1", "c:2", "b:1", "o:1"]);
  assert.deepEqual(planCandidates(route, cursors, () => 0)!.candidates.map((c) => c.target), ["c:2", "c:1", "b:1", "o:1"]);
  assert.equal(planCandidates({ ...route, backends: [{ version: "x", weight: 0, targets: ["x:1"] }] }, cursors), null);
});

test("status classes and latency buckets", () => {
  assert.deepEqual([200, 301, 404, 503, 0, 99].map(statusClassOf), ["2xx", "3xx", "4xx", "5xx", "error", "error"]);
  assert.equal(bucketIndex(0.4), 0);
  assert.equal(bucketIndex(1), 0);
  assert.equal(bucketIndex(1.01), 1);
  assert.equal(bucketIndex(10_000), LATENCY_BUCKETS_MS.length - 1);
  assert.equal(bucketIndex(60_000), LATENCY_BUCKETS_MS.length);
});

test("in-flight tracking: drain wakes when the last request leaves", async () => {
  const stats = createRouteStats();
  stats.enter("v");
  stats.enter("v");
  stats.leave("v");
  assert.equal(stats.inFlight("v"), 1);
  const drained = stats.drain("v", 60_000);
  stats.leave("v");
  assert.equal(await drained, true);
  assert.equal(stats.inFlight("v"), 0);
  stats.record("v", "2xx", 3);
  const [snap] = stats.snapshot(["v"]);
  assert.equal(snap!.requests, 1);
  assert.equal(snap!.latencyBuckets[bucketIndex(3)], 1);
});
