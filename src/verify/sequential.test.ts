import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  emptyRatioTest,
  logEValueRateAbove,
  ratioLogEValue,
  updateRatioTest,
  upperCountBound,
  type RatioTestState,
} from "./sequential.js";

/** A small deterministic generator, so the statistical checks below give the same answer every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

function binomial(n: number, p: number, random: () => number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

describe("one-stream test (H0: rate ≤ p0)", () => {
  test("no events is evidence for H0, and evidence grows with every event", () => {
    assert.ok(logEValueRateAbove(0, 500, 0.01) < 0);
    let previous = -Infinity;
    for (let k = 0; k <= 20; k++) {
      const l = logEValueRateAbove(k, 200, 0.01);
      assert.ok(l > previous, `e grows with k (k=${k})`);
      previous = l;
    }
  });

  test("one error can never fail a 1% ceiling at α = 1%, six in a hundred do", () => {
    for (const n of [1, 5, 20, 100]) assert.ok(logEValueRateAbove(1, n, 0.01) < Math.log(100), `1 of ${n}`);
    assert.ok(logEValueRateAbove(6, 100, 0.01) >= Math.log(100));
  });

  test("nothing seen is e = 1, and fractional histogram counts are accepted", () => {
    assert.equal(logEValueRateAbove(0, 0, 0.05), 0);
    const a = logEValueRateAbove(10, 100, 0.05);
    const b = logEValueRateAbove(10.5, 100, 0.05);
    assert.ok(b > a && Number.isFinite(b));
  });

  test("upperCountBound sits above the mean and below the count that would fail", () => {
    const k = upperCountBound(1000, 0.95, 0.001);
    assert.ok(k > 950 && k < 1000, `bound ${k}`);
    assert.ok(logEValueRateAbove(k, 1000, 0.95) < Math.log(1000));
    assert.ok(logEValueRateAbove(k + 1, 1000, 0.95) >= Math.log(1000));
    assert.equal(upperCountBound(3, 0.95, 0.001), 3, "three observations bound nothing");
  });

  test("a rate exactly on the ceiling, looked at after every 10 requests for 3,000 requests, fails at most α of streams", () => {
    const random = seeded(7);
    const alpha = 0.05;
    let rejected = 0;
    const streams = 300;
    for (let s = 0; s < streams; s++) {
      let events = 0;
      for (let n = 10; n <= 3_000; n += 10) {
        events += binomial(10, 0.02, random);
        if (logEValueRateAbove(events, n, 0.02) >= Math.log(1 / alpha)) {
          rejected++;
          break;
        }
      }
    }
    assert.ok(rejected / streams <= alpha, `${rejected} of ${streams} streams falsely rejected`);
  });
});

describe("canary-versus-baseline ratio test (H0: canary rate ≤ r0 × baseline rate)", () => {
  const look = (state: RatioTestState, r0: number, c: [number, number], b: [number, number]) =>
    updateRatioTest(state, r0, { canaryEvents: c[0], canaryTrials: c[1], baselineEvents: b[0], baselineTrials: b[1] });

  test("six times the baseline's errors on a 10% split fails within half a minute at 200 requests/s", () => {
    const random = seeded(11);
    let state = emptyRatioTest();
    let second = 0;
    while (ratioLogEValue(state) < Math.log(100) && second < 120) {
      second++;
      state = look(state, 1.2, [binomial(20, 0.06, random), 20], [binomial(180, 0.01, random), 180]);
    }
    assert.ok(second <= 30, `failed after ${second} s`);
    assert.equal(state.canaryTrials, 20 * second);
  });

  test("an interval where one version served nothing changes nothing (the caller folds it into the next)", () => {
    const state = look(emptyRatioTest(), 1, [3, 10], [0, 0]);
    assert.deepEqual(state, emptyRatioTest());
  });

  test("equal rates on streams of 600 looks fail at most α of them, whatever the traffic split does", () => {
    const random = seeded(3);
    const alpha = 0.05;
    let rejected = 0;
    const streams = 150;
    for (let s = 0; s < streams; s++) {
      let state = emptyRatioTest();
      for (let t = 0; t < 600; t++) {
        const canary = 5 + Math.floor(random() * 30); // the split wanders between looks
        state = look(state, 1, [binomial(canary, 0.02, random), canary], [binomial(100, 0.02, random), 100]);
        if (ratioLogEValue(state) >= Math.log(1 / alpha)) {
          rejected++;
          break;
        }
      }
    }
    assert.ok(rejected / streams <= alpha, `${rejected} of ${streams} streams falsely rejected`);
  });
});
