import { badInput, ROUTER_METRICS } from "../core/index.js";
import type { MetricConfig, RouterMetric, Verdict, VersionStats } from "../core/index.js";
import { formatMs, formatPercent, formatRate } from "./format.js";
import { compareErrorRate, compareLatency } from "./compare.js";
import { errorCount, latencyCount, latencyQuantile, wilsonInterval } from "./stats.js";
import type { Decision, DecisionNumbers } from "./types.js";

/**
 * Analysis of router metrics. The rules, and why:
 *
 * - `max` on error-rate: a 95% Wilson interval. Fail as soon as the interval's low end is above
 *   the ceiling, even before `min_requests`, because a clear regression should be rolled back
 *   while it hurts few users; at least {@link MIN_REQUESTS_TO_FAIL} requests are required so a
 *   single early error cannot decide. Pass only with `min_requests` seen and the observed rate
 *   at or under the ceiling: "no errors in 20 requests" says little about a 1% ceiling, and the
 *   minimum sample is the operator's statement of how much evidence a pass needs. (Requiring the
 *   interval's high end under the ceiling instead would need ~380 clean requests for a 1%
 *   ceiling, too slow for a canary step.) Anything else is inconclusive.
 * - `max` on latency-pNN: with `min_requests` observations, fail above the ceiling and pass at or
 *   under it; fewer is inconclusive.
 * - `max_increase`: see compare.ts. Both canary and baseline need `min_requests`.
 * - A metric with both `max` and `max_increase` is judged on both; the worse verdict wins.
 */

/** Fewer requests than this never fail a check early, however bad they look. */
export const MIN_REQUESTS_TO_FAIL = 10;

/** Input of {@link evaluateMetric}: windows (see diffStats), not cumulative counters. */
export interface EvaluateMetricInput {
  metric: MetricConfig;
  canary: VersionStats;
  baseline?: VersionStats;
  minRequests: number;
}

/** Judges one router metric over one window. Pure; throws only for a metric it cannot measure. */
export function evaluateMetric(input: EvaluateMetricInput): Decision {
  const { metric } = input;
  if (metric.source !== "router") {
    throw badInput(`metric "${metric.name}" reads from ${metric.source}, not the router`, {
      hint: "use evaluateExternalMetric for prometheus and http sources",
    });
  }
  const measured = routerMetricOf(metric);
  if (!measured) {
    throw badInput(`metric "${metric.name}" is not a router metric`, {
      hint: `name it, or set metric:, to one of ${ROUTER_METRICS.join(", ")}`,
    });
  }
  const decisions: Decision[] = [];
  if (metric.max !== undefined) decisions.push(absolute(measured, metric.max, input));
  if (metric.max_increase !== undefined) decisions.push(relative(measured, metric.max_increase, input));
  return combine(metric.name, decisions);
}

/** The router metric a config entry measures, or null if it names none. */
export function routerMetricOf(metric: MetricConfig): RouterMetric | null {
  const name = metric.metric ?? metric.name;
  return (ROUTER_METRICS as readonly string[]).includes(name) ? (name as RouterMetric) : null;
}

/** The quantile a latency metric asks for: latency-p95 → 0.95. */
export function quantileOf(metric: RouterMetric): number | null {
  const m = /^latency-p(\d+)$/.exec(metric);
  return m ? Number(m[1]) / 100 : null;
}

function absolute(measured: RouterMetric, max: number, input: EvaluateMetricInput): Decision {
  const q = quantileOf(measured);
  return q === null ? absoluteErrorRate(max, input) : absoluteLatency(q, max, input);
}

function absoluteErrorRate(max: number, { metric, canary, minRequests }: EvaluateMetricInput): Decision {
  const n = canary.requests;
  const errors = Math.min(errorCount(canary), n);
  const numbers: DecisionNumbers = { requests: n, value: n > 0 ? errors / n : null, limit: max, minRequests };
  const decide = (verdict: Verdict, reason: string): Decision => ({ check: metric.name, verdict, numbers, reason });
  if (n === 0) return decide("inconclusive", `${metric.name}: no requests yet (need ${minRequests})`);
  const rate = errors / n;
  const ci = wilsonInterval(errors, n);
  numbers.test = { ciLow: ci.low, ciHigh: ci.high, confidence: 0.95, errors };
  const sample = `n=${n}, 95% CI ${formatRate(ci.low)}–${formatRate(ci.high)}`;
  const head = `${metric.name} ${formatRate(rate)}`;
  if (n >= MIN_REQUESTS_TO_FAIL && ci.low > max) return decide("fail", `${head} > max ${max} (${sample})`);
  if (rate > max) {
    const why = n < MIN_REQUESTS_TO_FAIL ? `only ${n} requests` : "not yet significant";
    return decide("inconclusive", `${head} > max ${max}, ${why} (${sample})`);
  }
  if (n < minRequests) {
    return decide("inconclusive", `${head} ≤ max ${max}, but only ${n} requests (need ${minRequests} to pass)`);
  }
  return decide("pass", `${head} ≤ max ${max} (${sample})`);
}

function absoluteLatency(q: number, max: number, input: EvaluateMetricInput): Decision {
  const { metric, canary, minRequests } = input;
  const n = latencyCount(canary);
  const value = latencyQuantile(canary, q);
  const numbers: DecisionNumbers = { requests: n, value, limit: max, minRequests };
  const decide = (verdict: Verdict, reason: string): Decision => ({ check: metric.name, verdict, numbers, reason });
  const head = `${metric.name} ${formatMs(value)}`;
  if (value === null || n < minRequests) {
    return decide("inconclusive", `${head}, but only ${n} requests (need ${minRequests})`);
  }
  if (value > max) return decide("fail", `${head} > max ${formatMs(max)} (n=${n})`);
  return decide("pass", `${head} ≤ max ${formatMs(max)} (n=${n})`);
}

function relative(measured: RouterMetric, maxIncrease: number, input: EvaluateMetricInput): Decision {
  const { metric, canary, baseline, minRequests } = input;
  const q = quantileOf(measured);
  const count = (w: VersionStats) => (q === null ? w.requests : latencyCount(w));
  const numbers: DecisionNumbers = { requests: count(canary), value: null, limit: null, minRequests };
  const short = (reason: string): Decision => ({ check: metric.name, verdict: "inconclusive", numbers, reason });
  const increase = `max_increase ${formatPercent(maxIncrease)}`;
  if (!baseline) return short(`${metric.name}: no baseline version to compare with (${increase})`);
  numbers.baselineRequests = count(baseline);
  const shortOf = [
    numbers.requests < minRequests ? `canary has ${numbers.requests}` : null,
    numbers.baselineRequests < minRequests ? `baseline has ${numbers.baselineRequests}` : null,
  ].filter((s): s is string => s !== null);
  if (shortOf.length > 0) {
    return short(`${metric.name}: too few requests to compare: ${shortOf.join(", ")} (need ${minRequests} each)`);
  }
  const compared =
    q === null
      ? compareErrorRate(canary, baseline, maxIncrease)
      : compareLatency(canary, baseline, q, maxIncrease);
  return {
    check: metric.name,
    verdict: compared.verdict,
    numbers: { ...numbers, ...compared.numbers },
    reason: `${metric.name} ${compared.reason}`,
  };
}

/** One metric judged on two limits: the worse verdict decides; both reasons are kept. */
function combine(check: string, decisions: Decision[]): Decision {
  const [first, second] = decisions;
  if (!first) throw badInput(`metric "${check}" has no limit`, { hint: "give it max or max_increase" });
  if (!second) return first;
  const worse = rank(second.verdict) > rank(first.verdict) ? second : first;
  const other = worse === first ? second : first;
  return {
    check,
    verdict: worse.verdict,
    numbers: { ...worse.numbers, test: { ...other.numbers.test, ...worse.numbers.test } },
    reason: `${worse.reason}; ${other.reason}`,
  };
}

function rank(v: Verdict): number {
  return v === "fail" ? 2 : v === "inconclusive" ? 1 : 0;
}

/** Any fail → fail; all pass → pass; otherwise (including no decisions) inconclusive. */
export function aggregateVerdict(decisions: readonly Decision[]): Verdict {
  if (decisions.some((d) => d.verdict === "fail")) return "fail";
  if (decisions.length > 0 && decisions.every((d) => d.verdict === "pass")) return "pass";
  return "inconclusive";
}
