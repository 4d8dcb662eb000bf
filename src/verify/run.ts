import { isSlipwayError } from "../core/index.js";
import type { AnalysisConfig, MetricConfig, ProbeConfig, VersionStats } from "../core/index.js";
import { aggregateVerdict, evaluateMetric, routerMetricOf, testsOf } from "./analysis.js";
import type { MetricState } from "./analysis.js";
import { evaluateExternalMetric, readExternalMetric } from "./external.js";
import { httpProbe, tcpProbe } from "./probes.js";
import type { AnalysisResult, Decision, ProbeResult } from "./types.js";

/**
 * What an analysis carries from one look to the next, one entry per configured metric. Plain
 * data; a fresh analysis (a new step, or a step resumed after a crash) starts without it.
 */
export type JudgeState = (MetricState | undefined)[];

/** Input of {@link analyseWindow}: router windows since the analysis began (see diffStats). */
export interface AnalyseWindowInput {
  analysis: AnalysisConfig;
  canary: VersionStats;
  baseline?: VersionStats;
  /** The previous look's state (see {@link JudgeState}); absent at the first look. */
  state?: JudgeState;
  /** Per external read; defaults to the analysis interval, so a slow source cannot stack up looks. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One look's decisions, their verdict, and the state to pass to the next look. */
export interface AnalyseWindowResult extends AnalysisResult {
  state: JudgeState;
}

/**
 * One analysis look: every configured metric judged, and the verdict they add up to. The
 * analysis's α is shared equally among its router tests (Bonferroni), so the chance that any of
 * them fails a good canary at any look stays within α. An
 * external source that cannot be read gives an inconclusive decision naming the error rather
 * than an exception: a flaky Prometheus should not by itself fail or pass a deployment, and
 * the step's on_inconclusive policy decides once time runs out.
 */
export async function analyseWindow(input: AnalyseWindowInput): Promise<AnalyseWindowResult> {
  const { analysis, canary, baseline, signal } = input;
  const timeoutMs = input.timeoutMs ?? analysis.interval;
  const tests = analysis.metrics.reduce((n, m) => n + testsOf(m), 0);
  const alpha = analysis.alpha / Math.max(1, tests);
  const state: JudgeState = analysis.metrics.map((_, i) => input.state?.[i]);
  const decisions = await Promise.all(
    analysis.metrics.map(async (metric, i): Promise<Decision> => {
      if (metric.source === "router") {
        const outcome = evaluateMetric({ metric, canary, baseline, minRequests: analysis.min_requests, alpha, state: state[i] });
        state[i] = outcome.state;
        return outcome.decision;
      }
      try {
        const value = await readExternalMetric(metric, { timeoutMs, signal });
        return evaluateExternalMetric({ metric, value });
      } catch (err) {
        if (!isSlipwayError(err)) throw err;
        const numbers = { requests: 0, value: null, limit: metric.max ?? null };
        return { check: metric.name, verdict: "inconclusive", numbers, reason: `${metric.name}: ${err.message}` };
      }
    }),
  );
  return { verdict: aggregateVerdict(decisions), decisions, state };
}

/**
 * Problems with a metric that the schema alone cannot see, for `slipway lint`: each one a
 * sentence naming the metric. Empty when the metric can be evaluated.
 */
export function checkMetricConfig(metric: MetricConfig): string[] {
  const problems: string[] = [];
  const where = `metric "${metric.name}"`;
  if (metric.source === "router") {
    if (!routerMetricOf(metric)) {
      problems.push(`${where} is not a router metric: name it, or set metric:, to error-rate, latency-p50, latency-p95 or latency-p99`);
    }
    return problems;
  }
  if (!metric.url) problems.push(`${where} reads from ${metric.source} and needs url:`);
  if (metric.source === "prometheus" && !metric.query) problems.push(`${where} needs query: (the PromQL to run)`);
  if (metric.max_increase !== undefined) {
    problems.push(`${where}: max_increase compares with a baseline, which only the router source has; use max`);
  }
  if (metric.max === undefined) problems.push(`${where} needs max:`);
  return problems;
}

/** Where a replica listens, for probes built from config. */
export interface ProbeTarget {
  host: string;
  port: number;
}

/** Turns a configured probe into a check against one replica, ready for waitUntil. */
export function probeFromConfig(
  probe: ProbeConfig,
  target: ProbeTarget | { url: string },
  timeoutMs: number,
): (signal?: AbortSignal) => Promise<ProbeResult> {
  if ("tcp" in probe) return (signal) => tcpProbe({ ...addressOf(target), timeoutMs, signal });
  const url = "url" in target ? `${target.url.replace(/\/+$/, "")}${probe.http}` : `http://${target.host}:${target.port}${probe.http}`;
  return (signal) =>
    httpProbe({
      url,
      expectStatus: probe.expect_status,
      expectBody: probe.expect_body,
      maxLatencyMs: probe.max_latency,
      timeoutMs,
      signal,
    });
}

/** The host and port a TCP probe connects to; for a URL, its port or the scheme's default. */
function addressOf(target: ProbeTarget | { url: string }): ProbeTarget {
  if (!("url" in target)) return target;
  const url = new URL(target.url);
  return { host: url.hostname, port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80 };
}
