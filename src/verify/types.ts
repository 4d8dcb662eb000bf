import type { Verdict } from "../core/index.js";

/** The result of one probe or smoke command. */
export interface ProbeResult {
  ok: boolean;
  /** What was checked, e.g. "http GET 127.0.0.1:4100/healthz". */
  check: string;
  latencyMs: number;
  /** A sentence a person can act on: "HTTP 503 (expected 200)". */
  detail: string;
}

/** The numbers a decision was made from, stored with it so a person can see why. */
export interface DecisionNumbers {
  /** Requests (or samples) seen for the canary in the window. */
  requests: number;
  /** The canary's measured value (error rate as a fraction, latency in ms). */
  value: number | null;
  baselineRequests?: number;
  baselineValue?: number | null;
  /** The limit the value was held against (absolute, or baseline × (1 + max_increase)). */
  limit: number | null;
  /** Statistical test output where one was used, e.g. { pValue, z } or a confidence interval. */
  test?: Record<string, number>;
  minRequests?: number;
}

/** One analysis check's verdict at one point in time. */
export interface Decision {
  check: string;
  verdict: Verdict;
  numbers: DecisionNumbers;
  /** "error-rate 0.212 > max 0.01 (n=480, 95% CI 0.18–0.25)". */
  reason: string;
}

/** The result of one smoke command: a probe result plus what the command did and printed. */
export interface SmokeResult extends ProbeResult {
  /** Exit code, or null when the command was ended by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the command (e.g. "SIGKILL" after a timeout), or null. */
  signal: string | null;
  timedOut: boolean;
  /** stdout and stderr interleaved in arrival order, secrets redacted, the last 64 KiB at most. */
  output: string;
  /** True when earlier output was dropped to keep the last 64 KiB. */
  outputTruncated: boolean;
}

/** Every decision of one analysis round and the verdict they add up to. */
export interface AnalysisResult {
  verdict: Verdict;
  decisions: Decision[];
}
