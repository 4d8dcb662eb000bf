import { badInput, ROUTER_METRICS } from "../core/index.js";
import type { MetricConfig, RouterMetric, Verdict, VersionStats } from "../core/index.js";
import { errorRateCeiling, latencyCeiling } from "./ceilings.js";
import { compareErrorRate, compareLatency } from "./compare.js";
import type { RatioTestState } from "./sequential.js";
import { formatPercent } from "./format.js";
import { latencyCount } from "./stats.js";
import type { Decision, DecisionNumbers } from "./types.js";

/**
 * Analysis of router metrics by always-valid sequential tests: the canary's windows grow from
 * the start of the analysis, every look may fail it, and the chance that a canary within its
 * limits is failed at any look stays at most α (the analysis's `alpha`, shared equally among
 * its tests). `max` is judged in ceilings.ts, `max_increase` in compare.ts. A metric with both
 * is judged on both; the worse verdict wins.
 */

/** What one metric's tests carry from one look to the next (plain data). */
export interface MetricState {
  /** The error-rate comparison's accumulated evidence; the other tests read cumulative windows afresh. */
  errorRatio?: RatioTestState;
}

/** Input of {@link evaluateMetric}: windows since the analysis began (see diffStats), not raw counters. */
export interface EvaluateMetricInput {
  metric: MetricConfig;
  canary: VersionStats;
  baseline?: VersionStats;
  minRequests: number;
  /** The α of each of this metric's tests (the analysis's α divided among all its tests). */
  alpha: number;
  /** What this metric carried out of the previous look; absent at the first. */
  state?: MetricState;
}

/** One metric's decision at one look, and what to carry into the next. */
export interface MetricOutcome {
  decision: Decision;
  state: MetricState;
}

/** Judges one router metric at one look. Pure; throws only for a metric it cannot measure. */
export function evaluateMetric(input: EvaluateMetricInput): MetricOutcome {
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
  const state: MetricState = { ...input.state };
  if (metric.max !== undefined) decisions.push(absolute(measured, metric.max, input));
  if (metric.max_increase !== undefined) decisions.push(relative(measured, metric.max_increase, input, state));
  return { decision: combine(metric.name, decisions), state };
}

/** How many sequential tests a metric runs (one per limit); external sources run none. */
export function testsOf(metric: MetricConfig): number {
  if (metric.source !== "router") return 0;
  return (metric.max !== undefined ? 1 : 0) + (metric.max_increase !== undefined ? 1 : 0);
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
  return q === null ? errorRateCeiling(max, input) : latencyCeiling(q, max, input);
}

function relative(measured: RouterMetric, maxIncrease: number, input: EvaluateMetricInput, state: MetricState): Decision {
  const { metric, canary, baseline, minRequests, alpha } = input;
  const q = quantileOf(measured);
  const count = (w: VersionStats) => (q === null ? w.requests : latencyCount(w));
  const numbers: DecisionNumbers = { requests: count(canary), value: null, limit: null, minRequests };
  const increase = `max_increase ${formatPercent(maxIncrease)}`;
  if (!baseline) {
    return { check: metric.name, verdict: "inconclusive", numbers, reason: `${metric.name}: no baseline version to compare with (${increase})` };
  }
  numbers.baselineRequests = count(baseline);
  const shortOf = [
    numbers.requests < minRequests ? `canary has ${numbers.requests}` : null,
    numbers.baselineRequests < minRequests ? `baseline has ${numbers.baselineRequests}` : null,
  ].filter((s): s is string => s !== null);
  const compareInput = { canary, baseline, maxIncrease, alpha, enough: shortOf.length === 0 };
  let compared;
  if (q === null) {
    const withState = compareErrorRate(compareInput, state.errorRatio);
    state.errorRatio = withState.state;
    compared = withState;
  } else {
    compared = compareLatency(compareInput, q);
  }
  const short = shortOf.length > 0 && compared.verdict !== "fail" ? ` (${shortOf.join(", ")}; need ${minRequests} each)` : "";
  return {
    check: metric.name,
    verdict: compared.verdict,
    numbers: { ...numbers, ...compared.numbers },
    reason: `${metric.name} ${compared.reason}${short}`,
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
