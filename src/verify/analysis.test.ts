import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aggregateVerdict, evaluateMetric, type EvaluateMetricInput, type MetricState } from "./analysis.js";
import { routerMetric, windowOf } from "./testing.js";
import type { Decision } from "./types.js";

const errorMax = routerMetric({ name: "error-rate", max: 0.01 });
const errorIncrease = routerMetric({ name: "error-rate", max_increase: 0.2, compare: "baseline" });
const judge = (input: Omit<EvaluateMetricInput, "alpha"> & { alpha?: number }): Decision =>
  evaluateMetric({ alpha: 0.01, ...input }).decision;

describe("error-rate against max", () => {
  test("a canary answering 20% errors over 100 requests fails, with the rate, the statistic and the boundary in the reason", () => {
    const d = judge({ metric: errorMax, canary: windowOf({ requests: 100, errors: 20 }), minRequests: 50 });
    assert.equal(d.verdict, "fail");
    assert.equal(d.numbers.requests, 100);
    assert.equal(d.numbers.value, 0.2);
    assert.equal(d.numbers.limit, 0.01);
    assert.ok(d.numbers.test!.eValue! >= 100);
    assert.equal(d.numbers.test!.boundary, 100);
    assert.match(d.reason, /^error-rate 0\.200 > max 0\.01: sequential test e=\S+ ≥ 1\/α=100 \(20 errors in 100 requests\)$/);
  });

  test("a clear regression fails before min_requests; one error never fails, however few requests", () => {
    assert.equal(judge({ metric: errorMax, canary: windowOf({ requests: 20, errors: 8 }), minRequests: 50 }).verdict, "fail");
    for (const requests of [1, 3, 15]) {
      const d = judge({ metric: errorMax, canary: windowOf({ requests, errors: 1 }), minRequests: 50 });
      assert.equal(d.verdict, "inconclusive", `1 error in ${requests}`);
    }
  });

  test("0 errors in 20 requests is inconclusive against min_requests 50, never passed; 60 clean requests pass", () => {
    const few = judge({ metric: errorMax, canary: windowOf({ requests: 20 }), minRequests: 50 });
    assert.equal(few.verdict, "inconclusive");
    assert.match(few.reason, /only 20 requests \(need 50 to pass\)/);
    const enough = judge({ metric: errorMax, canary: windowOf({ requests: 60 }), minRequests: 50 });
    assert.equal(enough.verdict, "pass");
    assert.equal(enough.numbers.value, 0);
  });

  test("a rate a little above the ceiling without significance passes, and says it was above", () => {
    const d = judge({ metric: errorMax, canary: windowOf({ requests: 400, errors: 6 }), minRequests: 50 });
    assert.equal(d.verdict, "pass");
    assert.match(d.reason, /0\.015 > max 0\.01, not significantly/);
  });

  test("no traffic at all is inconclusive", () => {
    const d = judge({ metric: errorMax, canary: windowOf({ requests: 0 }), minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.equal(d.numbers.value, null);
  });
});

describe("error-rate against the baseline (max_increase)", () => {
  test("evidence accumulates look by look in the carried state; a 5× rate fails, the same rate passes", () => {
    let bad: MetricState | undefined;
    let good: MetricState | undefined;
    let failedAt = 0;
    let last: Decision | undefined;
    for (let look = 1; look <= 30 && failedAt === 0; look++) {
      const baseline = windowOf({ version: "v1", requests: 900 * look, errors: 9 * look });
      const out = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 100 * look, errors: 5 * look }), baseline, minRequests: 50, alpha: 0.01, state: bad });
      bad = out.state;
      if (out.decision.verdict === "fail") failedAt = look;
      const same = evaluateMetric({ metric: errorIncrease, canary: windowOf({ requests: 100 * look, errors: look }), baseline, minRequests: 50, alpha: 0.01, state: good });
      good = same.state;
      last = same.decision;
    }
    assert.ok(failedAt > 1 && failedAt <= 10, `failed at look ${failedAt}`);
    assert.equal(last!.verdict, "pass");
    assert.equal(last!.numbers.baselineValue, 0.01);
    assert.ok(Math.abs(last!.numbers.limit! - 0.012) < 1e-12);
    assert.match(last!.reason, /^error-rate 0\.010 vs baseline 0\.010 \(limit 0\.012 = baseline × \(1 \+ 20%\)\): within the limit; sequential test e=\S+ < 1\/α=100/);
  });

  test("a baseline with too few requests is inconclusive and says whose sample is short", () => {
    const small = windowOf({ version: "v1", requests: 30 });
    const d = judge({ metric: errorIncrease, canary: windowOf({ requests: 200, errors: 2 }), baseline: small, minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.match(d.reason, /baseline has 30/);
    assert.doesNotMatch(d.reason, /canary has/);
  });

  test("without a baseline version it is inconclusive", () => {
    const d = judge({ metric: errorIncrease, canary: windowOf({ requests: 200 }), minRequests: 50 });
    assert.equal(d.verdict, "inconclusive");
    assert.match(d.reason, /no baseline/);
  });
});

describe("latency", () => {
  const p95Max = routerMetric({ name: "p95", metric: "latency-p95", max: 250 });

  test("max: a p95 far above the ceiling fails, under it passes, too few is inconclusive", () => {
    const slow = windowOf({ requests: 100, latency: { 100: 50, 500: 50 } }); // p95 = 460 ms
    const fast = windowOf({ requests: 100, latency: { 50: 90, 200: 10 } }); // p95 = 175 ms
    const fail = judge({ metric: p95Max, canary: slow, minRequests: 50 });
    assert.equal(fail.verdict, "fail");
    assert.match(fail.reason, /slower than 250ms, at most 5% may be; sequential test e=/);
    const pass = judge({ metric: p95Max, canary: fast, minRequests: 50 });
    assert.equal(pass.verdict, "pass");
    assert.equal(pass.numbers.value, 175);
    const few = windowOf({ requests: 20, latency: { 200: 20 } });
    assert.equal(judge({ metric: p95Max, canary: few, minRequests: 50 }).verdict, "inconclusive");
  });

  test("max_increase: the same distribution passes, a doubled tail fails, with the baseline's bound in the reason", () => {
    const metric = routerMetric({ name: "latency-p95", max_increase: 0.2 });
    const baseline = windowOf({ version: "v1", requests: 2000, latency: { 50: 1800, 100: 200 } }); // p95 87.5 ms
    const same = windowOf({ requests: 200, latency: { 50: 180, 100: 20 } });
    assert.equal(judge({ metric, canary: same, baseline, minRequests: 50 }).verdict, "pass");
    const doubled = windowOf({ requests: 200, latency: { 50: 150, 200: 50 } });
    const fail = judge({ metric, canary: doubled, baseline, minRequests: 50 });
    assert.equal(fail.verdict, "fail");
    assert.match(fail.reason, /significantly above the limit; \d+ of 200 requests slower than \d+ms \(the limit at the baseline's upper bound \d+ms\)/);
    assert.ok(fail.numbers.test!.baselineBound! >= 87.5, "the bound is at or above the baseline's measured p95");
  });
});

describe("metric with both limits, and aggregation", () => {
  test("the worse of max and max_increase decides and both reasons are kept", () => {
    const metric = routerMetric({ name: "error-rate", max: 0.5, max_increase: 0.2 });
    const baseline = windowOf({ version: "v1", requests: 10_000, errors: 100 });
    const d = judge({ metric, canary: windowOf({ requests: 1_000, errors: 100 }), baseline, minRequests: 50 });
    assert.equal(d.verdict, "fail");
    assert.match(d.reason, /significantly above the limit.*; error-rate 0\.100 ≤ max 0\.5, within the ceiling/);
  });

  test("an unknown router metric is refused", () => {
    assert.throws(
      () => judge({ metric: routerMetric({ name: "saturation", max: 1 }), canary: windowOf({ requests: 1 }), minRequests: 1 }),
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
