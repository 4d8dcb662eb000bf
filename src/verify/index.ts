/**
 * Verification: probes (HTTP, TCP), smoke commands, and analysis of metrics from the router,
 * Prometheus or an HTTP JSON endpoint. The engine decides when to run them; this folder only
 * says what it found, with the numbers and a sentence a person can read.
 */
export type { AnalysisResult, Decision, DecisionNumbers, ProbeResult, SmokeResult } from "./types.js";
export { httpProbe, tcpProbe, waitUntil, describeNetError } from "./probes.js";
export type { HttpProbeOptions, TcpProbeOptions, WaitOptions } from "./probes.js";
export { runSmokeCommand, SMOKE_OUTPUT_LIMIT } from "./smoke.js";
export type { SmokeOptions } from "./smoke.js";
export { diffStats, errorRate, errorCount, latencyQuantile, latencyCount, countAbove } from "./stats.js";
export { evaluateMetric, aggregateVerdict, routerMetricOf, quantileOf, testsOf } from "./analysis.js";
export type { EvaluateMetricInput, MetricOutcome, MetricState } from "./analysis.js";
export {
  logEValueRateAbove,
  upperCountBound,
  emptyRatioTest,
  updateRatioTest,
  ratioLogEValue,
  defaultPrior,
  RATIO_GRID,
} from "./sequential.js";
export type { BetaPrior, RatioTestState, IntervalCounts } from "./sequential.js";
export { queryPrometheus, queryHttpJson, readExternalMetric, evaluateExternalMetric } from "./external.js";
export type { ExternalQueryOptions, EvaluateExternalInput } from "./external.js";
export { analyseWindow, checkMetricConfig, probeFromConfig } from "./run.js";
export type { AnalyseWindowInput, AnalyseWindowResult, JudgeState, ProbeTarget } from "./run.js";
