import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aggregateVerdict, evaluateMetric } from "./analysis.js";
import { routerMetric, windowOf } from "./testing.js";
import type { Decision } from "./types.js";

const errorMax = routerMetric({ name: "error-rate", max: 0.01 });
const errorIncrease = routerMetric({ name: "error-rate", max_increase: 0.2, compare: "baseline" });

describe("error-rate against max", () => {
  test("a canary answering 20% errors over 100 requests fails, with the numbers in the reason", () => {
    const d = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 100, errors: 20 }), minRequests: 50 });
    assert.equal(d.verdict, "fail");
    assert.equal(d.numbers.requests, 100);
    assert.equal(d.numbers.value, 0.2);
    assert.equal(d.numbers.limit, 0.01);
    assert.ok(d.numbers.test && d.numbers.test.ciLow! > 0.01);
    assert.equal(d.reason, "error-rate 0.200 > max 0.01 (n=100, 95% CI 0.133–0.289)");
  });

  test("a clear regression fails before min_requests, but never on fewer than 10 requests", () => {
    const early = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 20, errors: 8 }), minRequests: 50 });
    assert.equal(early.verdict, "fail");
    const tiny = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 5, errors: 5 }), minRequests: 50 });
    assert.equal(tiny.verdict, "inconclusive");
    assert.match(tiny.reason, /only 5 requests/);
  });

  test("one stray error in a small sample does not fail a 1% ceiling", () => {
    const d = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 15, errors: 1 }), minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
  });

  test("0 errors in 20 requests is inconclusive against min_requests 50, never passed", () => {
    const d = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 20 }), minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.match(d.reason, /only 20 requests \(need 50 to pass\)/);
  });

  test("0 errors in 60 requests passes", () => {
    const d = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 60 }), minRequests: 50 });
    assert.equal(d.verdict, "pass");
    assert.equal(d.numbers.value, 0);
  });

  test("a rate just above the ceiling without significance is inconclusive", () => {
    const d = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 400, errors: 6 }), minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.match(d.reason, /not yet significant/);
  });

  test("no traffic at all is inconclusive", () => {
    const d = evaluateMetric({ metric: errorMax, canary: windowOf({ requests: 0 }), minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.equal(d.numbers.value, null);
  });
});

describe("error-rate against the baseline (max_increase)", () => {
  const baseline = windowOf({ version: "v1", requests: 1000, errors: 20 });

  test("the same rate as the baseline passes", () => {
    const d = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 200, errors: 4 }), baseline, minRequests: 50 });
    assert.equal(d.verdict, "pass");
    assert.equal(d.numbers.baselineRequests, 1000);
    assert.equal(d.numbers.baselineValue, 0.02);
    assert.equal(d.numbers.limit, 0.025); // the +0.005 floor binds over 0.02 × 1.2
  });

  test("five times the baseline's rate fails, significantly", () => {
    const d = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 200, errors: 20 }), baseline, minRequests: 50 });
    assert.equal(d.verdict, "fail");
    assert.ok(d.numbers.test!.pValue! < 0.01);
    assert.match(d.reason, /^error-rate 0\.100 vs baseline 0\.020: significantly above limit 0\.025/);
  });

  test("the ratio limit binds once the baseline's rate is high enough", () => {
    const high = windowOf({ version: "v1", requests: 2000, errors: 200 });
    const d = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 500, errors: 50 }), baseline: high, minRequests: 50 });
    assert.equal(d.verdict, "pass");
    assert.ok(Math.abs(d.numbers.limit! - 0.12) < 1e-9);
  });

  test("a baseline at zero errors does not fail a canary for one error", () => {
    const clean = windowOf({ version: "v1", requests: 60 });
    const d = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 60, errors: 1 }), baseline: clean, minRequests: 50 });
    assert.notEqual(d.verdict, "fail");
  });

  test("a baseline with too few requests is inconclusive and says whose sample is short", () => {
    const small = windowOf({ version: "v1", requests: 30 });
    const d = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 200, errors: 20 }), baseline: small, minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.match(d.reason, /baseline has 30/);
    assert.doesNotMatch(d.reason, /canary has/);
  });

  test("without a baseline version it is inconclusive", () => {
    const d = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 200 }), minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.match(d.reason, /no baseline/);
  });
});

describe("latency", () => {
  const p95Max = routerMetric({ name: "p95", metric: "latency-p95", max: 250 });

  test("max: quantile above the ceiling fails, under it passes, too few is inconclusive", () => {
    const slow = windowOf({ requests: 100, latency: { 100: 50, 500: 50 } }); // p95 = 460 ms
    const fast = windowOf({ requests: 100, latency: { 50: 90, 200: 10 } }); // p95 = 175 ms
    assert.equal(evaluateMetric({ metric: p95Max, canary: slow, minRequests: 50 }).verdict, "fail");
    const pass = evaluateMetric({ metric: p95Max, canary: fast, minRequests: 50 });
    assert.equal(pass.verdict, "pass");
    assert.equal(pass.numbers.value, 175);
    assert.equal(pass.reason, "p95 175ms ≤ max 250ms (n=100)");
    const few = windowOf({ requests: 20, latency: { 500: 20 } });
    assert.equal(evaluateMetric({ metric: p95Max, canary: few, minRequests: 50 }).verdict, "inconclusive");
  });

  test("max_increase: same distribution passes, a doubled tail fails, a hair over is inconclusive", () => {
    const metric = routerMetric({ name: "latency-p95", max_increase: 0.2 });
    const baseline = windowOf({ version: "v1", requests: 1000, latency: { 50: 900, 100: 100 } }); // p95 87.5 ms, limit 105 ms
    const same = windowOf({ requests: 200, latency: { 50: 180, 100: 20 } });
    assert.equal(evaluateMetric({ metric, canary: same, baseline, minRequests: 50 }).verdict, "pass");
    const doubled = windowOf({ requests: 200, latency: { 50: 150, 200: 50 } });
    const fail = evaluateMetric({ metric, canary: doubled, baseline, minRequests: 50 });
    assert.equal(fail.verdict, "fail");
    assert.match(fail.reason, /slower than the limit/);
    const hair = windowOf({ requests: 60, latency: { 50: 53, 100: 2, 150: 5 } }); // p95 120 ms, 4 of 60 slower
    assert.equal(evaluateMetric({ metric, canary: hair, baseline, minRequests: 50 }).verdict, "inconclusive");
  });
});

describe("metric with both limits, and aggregation", () => {
  test("the worse of max and max_increase decides and both reasons are kept", () => {
    const metric = routerMetric({ name: "error-rate", max: 0.5, max_increase: 0.2 });
    const baseline = windowOf({ version: "v1", requests: 1000, errors: 20 });
    const d = evaluateMetric({ metric, canary: windowOf({ requests: 200, errors: 20 }), baseline, minRequests: 50 });
    assert.equal(d.verdict, "fail");
    assert.match(d.reason, /significantly above.*; error-rate 0\.100 ≤ max 0\.5/);
  });

  test("an unknown router metric is refused", () => {
    assert.throws(
      () => evaluateMetric({ metric: routerMetric({ name: "saturation", max: 1 }), canary: windowOf({ requests: 1 }), minRequests: 1 }),
      /not a router metric/,
    );
  });

  test("aggregateVerdict: any fail fails, all pass passes, otherwise inconclusive", () => {
    const d = (verdict: Decision["verdict"]): Decision => ({
      check: "x",
      verdict,
      reason: "",
      numbers: { requests: 0, value: null, limit: null },
    });
    assert.equal(aggregateVerdict([d("pass"), d("inconclusive"), d("fail")]), "fail");
    assert.equal(aggregateVerdict([d("pass"), d("pass")]), "pass");
    assert.equal(aggregateVerdict([d("pass"), d("inconclusive")]), "inconclusive");
    assert.equal(aggregateVerdict([]), "inconclusive");
  });
});
