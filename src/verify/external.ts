import { badInput, failed, unavailable } from "../core/index.js";
import type { MetricConfig } from "../core/index.js";
import { formatNumber, formatWait } from "./format.js";
import type { Decision } from "./types.js";

/**
 * Metrics from outside the router: a Prometheus server (PromQL over its HTTP API) or any HTTP
 * endpoint answering JSON. These give one number per look and no baseline, so only `max`
 * applies. Reading errors throw SlipwayErrors (`unavailable` when the source cannot be reached,
 * `failed` when it answered something unusable); the analysis loop turns them into
 * inconclusive decisions.
 */

/** Options for reading an external source. */
export interface ExternalQueryOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs an instant query against Prometheus' `/api/v1/query` and returns its one number: a
 * scalar, or a vector with a single sample. An empty vector (and NaN, which 0/0 rates give
 * when there is no traffic) is null: no data, not zero. Several series is an error, since
 * picking one would be a guess.
 */
export async function queryPrometheus(baseUrl: string, promql: string, options: ExternalQueryOptions): Promise<number | null> {
  const url = new URL("api/v1/query", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  url.searchParams.set("query", promql);
  const body = (await getJson(url, options, "Prometheus", true)) as PromResponse;
  if (body.status !== "success") {
    throw failed(`Prometheus rejected the query: ${body.errorType ?? "error"}: ${body.error ?? "no message"}`, {
      hint: `check the PromQL: ${promql}`,
    });
  }
  const data = body.data;
  if (data?.resultType === "scalar") return parsePromValue((data.result as [number, string])[1]);
  if (data?.resultType === "vector") {
    const series = data.result as { metric: Record<string, string>; value: [number, string] }[];
    if (series.length === 0) return null;
    if (series.length > 1) {
      const labels = series.slice(0, 3).map((s) => JSON.stringify(s.metric)).join(", ");
      throw failed(`Prometheus query returned ${series.length} series (${labels}${series.length > 3 ? ", …" : ""}), expected one`, {
        hint: "aggregate to one number, e.g. sum(...) or max(...)",
      });
    }
    return parsePromValue(series[0]!.value[1]);
  }
  throw failed(`Prometheus query returned a ${data?.resultType ?? "malformed"} result, expected a scalar or one sample`, {
    hint: "use an instant query that yields one number",
  });
}

interface PromResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Prometheus writes sample values as strings, including "NaN", "+Inf" and "-Inf". */
function parsePromValue(text: string): number | null {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

/**
 * Reads a number from a JSON endpoint: the whole body, or the value at `field` (a dotted path
 * such as `data.value` or `results.0.count`). A JSON null is null (no data); anything else
 * that is not a number or numeric string is an error.
 */
export async function queryHttpJson(url: string, options: ExternalQueryOptions & { field?: string }): Promise<number | null> {
  const body = await getJson(parseUrl(url), options, "metric endpoint", false);
  let value: unknown = body;
  for (const key of options.field ? options.field.split(".") : []) {
    if (value === null || typeof value !== "object" || !(key in value)) {
      throw failed(`${url} answered JSON without the field "${options.field}"`, {
        hint: `the body was ${truncate(JSON.stringify(body))}`,
      });
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (value === null) return null;
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  throw failed(`${url} answered ${truncate(JSON.stringify(value))}${options.field ? ` at ${options.field}` : ""}, expected a number`);
}

/**
 * Reads the number an external metric config points at: `url` is the Prometheus base URL with
 * `query` the PromQL, or for source http the endpoint with `query` the optional field path.
 */
export function readExternalMetric(metric: MetricConfig, options: ExternalQueryOptions): Promise<number | null> {
  if (!metric.url) throw badInput(`metric "${metric.name}" has no url`, { hint: `${metric.source} metrics need url:` });
  if (metric.source === "prometheus") {
    if (!metric.query) throw badInput(`metric "${metric.name}" has no query`, { hint: "give the PromQL in query:" });
    return queryPrometheus(metric.url, metric.query, options);
  }
  if (metric.source === "http") return queryHttpJson(metric.url, { ...options, field: metric.query });
  throw badInput(`metric "${metric.name}" reads from the router, not an external source`);
}

/** Input of {@link evaluateExternalMetric}. */
export interface EvaluateExternalInput {
  metric: MetricConfig;
  value: number | null;
}

/**
 * Judges an external metric's value against `max`. `max_increase` needs a baseline an
 * external number does not have: checkMetricConfig rejects it at lint time, and should such a
 * config arrive anyway the decision is inconclusive with that explanation (so the step's
 * on_inconclusive policy, fail by default, applies) rather than silently ignored.
 */
export function evaluateExternalMetric({ metric, value }: EvaluateExternalInput): Decision {
  const limit = metric.max ?? null;
  const numbers = { requests: value === null ? 0 : 1, value, limit };
  const check = metric.name;
  if (metric.max_increase !== undefined) {
    return {
      check,
      verdict: "inconclusive",
      numbers,
      reason: `${check}: max_increase needs a baseline, which a ${metric.source} source does not give; use max`,
    };
  }
  if (value === null) return { check, verdict: "inconclusive", numbers, reason: `${check}: no data from ${metric.source}` };
  if (limit === null) return { check, verdict: "inconclusive", numbers, reason: `${check}: no max to hold it against` };
  const shown = formatNumber(value);
  return value > limit
    ? { check, verdict: "fail", numbers, reason: `${check} ${shown} > max ${limit} (${metric.source})` }
    : { check, verdict: "pass", numbers, reason: `${check} ${shown} ≤ max ${limit} (${metric.source})` };
}

async function getJson(url: URL, options: ExternalQueryOptions, what: string, prometheus: boolean): Promise<unknown> {
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
    : AbortSignal.timeout(options.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: "application/json" } });
  } catch (err) {
    const timedOut = (err as Error).name === "TimeoutError";
    const why = timedOut ? `timed out after ${formatWait(options.timeoutMs)}` : describeFetchError(err);
    throw unavailable(`${what} at ${url.origin} could not be read: ${why}`, { cause: err });
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw failed(`${what} answered HTTP ${res.status} with a body that is not JSON: ${truncate(text)}`);
  }
  // Prometheus answers errors as JSON with a 4xx/5xx status; let its message through.
  if (!res.ok && !(prometheus && typeof body === "object" && body !== null && "status" in body)) {
    throw failed(`${what} answered HTTP ${res.status}: ${truncate(text)}`);
  }
  return body;
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  return cause?.message ?? (err as Error).message;
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw badInput(`"${url}" is not a URL`);
  }
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
