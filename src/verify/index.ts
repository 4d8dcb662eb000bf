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
export {
  diffStats,
  errorRate,
  errorCount,
  latencyQuantile,
  latencyCount,
  wilsonInterval,
  marginZTest,
  binomialUpperTail,
} from "./stats.js";
export {
  evaluateMetric,
  aggregateVerdict,
  routerMetricOf,
  quantileOf,
  MIN_REQUESTS_TO_FAIL,
} from "./analysis.js";
export type { EvaluateMetricInput } from "./analysis.js";
export { ALPHA, ERROR_RATE_FLOOR } from "./compare.js";
export { queryPrometheus, queryHttpJson, readExternalMetric, evaluateExternalMetric } from "./external.js";
export type { ExternalQueryOptions, EvaluateExternalInput } from "./external.js";
export { analyseWindow, checkMetricConfig, probeFromConfig } from "./run.js";
export type { AnalyseWindowInput, ProbeTarget } from "./run.js";
