/**
 * A paced keep-alive HTTP load loop: `concurrency` workers take request slots at `rate` per
 * second (slots missed while all workers wait are sent late, not dropped). Every request ends
 * in exactly one outcome, so "failed" counts requests, not reconnect attempts.
 */
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface LoadOptions {
  url: string;
  /** Requests per second to aim for. */
  rate: number;
  concurrency: number;
  /** 5xx answered by this version are the app's own errors (a bad canary), not downtime. */
  badVersion?: string;
  /** Keep (sentAt, version) of every request, for time-to-restore. */
  record?: boolean;
  timeoutMs?: number;
}

export interface Sample {
  /** Date.now() when the request was sent. */
  sentAt: number;
  version: string | undefined;
  status: number | undefined;
}

export interface LoadResult {
  sent: number;
  durationMs: number;
  /** Achieved requests per second. */
  rate: number;
  ok: number;
  /** Connection errors, timeouts and non-2xx answers not attributable to the bad version. */
  failed: number;
  /** 5xx answered by `badVersion`: the app's errors, reported separately. */
  appErrors: number;
  /** Failure reasons (error code or "HTTP nnn") with counts. */
  reasons: Record<string, number>;
  /** Answers per x-slipway-version (or "-" without the header). */
  byVersion: Record<string, number>;
  samples: Sample[];
}

export interface RunningLoad {
  stop(): Promise<LoadResult>;
}

interface Outcome {
  status?: number;
  version?: string;
  error?: string;
}

function once(agent: Agent, url: URL, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: "GET", timeout: timeoutMs }, (res) => {
      const version = res.headers["x-slipway-version"];
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      res.on("end", () => resolve({ status: res.statusCode, version: typeof version === "string" ? version : undefined }));
      res.resume();
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

export function startLoad(options: LoadOptions): RunningLoad {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const timeoutMs = options.timeoutMs ?? 5_000;
  const interval = 1000 / options.rate;
  const result: LoadResult = { sent: 0, durationMs: 0, rate: 0, ok: 0, failed: 0, appErrors: 0, reasons: {}, byVersion: {}, samples: [] };
  const started = performance.now();
  let slot = 0;
  let stopped = false;

  const count = (o: Outcome) => {
    if (o.error !== undefined) {
      result.failed++;
      result.reasons[o.error] = (result.reasons[o.error] ?? 0) + 1;
      return;
    }
    const status = o.status ?? 0;
    const v = o.version ?? "-";
    result.byVersion[v] = (result.byVersion[v] ?? 0) + 1;
    if (status >= 200 && status < 300) result.ok++;
    else if (status >= 500 && o.version !== undefined && o.version === options.badVersion) result.appErrors++;
    else {
      result.failed++;
      const reason = `HTTP ${status}${o.version ? ` from ${o.version}` : ""}`;
      result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
    }
  };

  const worker = async () => {
    while (!stopped) {
      const due = started + slot++ * interval;
      const wait = due - performance.now();
      if (wait >= 1) await sleep(wait);
      if (stopped) return;
      const sentAt = Date.now();
      result.sent++;
      const o = await once(agent, url, timeoutMs);
      count(o);
      if (options.record) result.samples.push({ sentAt, version: o.version, status: o.status });
    }
  };
  const workers = Array.from({ length: options.concurrency }, () => worker());

  return {
    async stop() {
      stopped = true;
      await Promise.all(workers);
      result.durationMs = performance.now() - started;
      result.rate = (result.sent * 1000) / result.durationMs;
      agent.destroy();
      return result;
    },
  };
}

/** Latency of up to `n` requests (ms each), stopping early after `maxMs`, for router-vs-direct comparisons. */
export async function measureLatency(urlText: string, n: number, concurrency: number, maxMs = Infinity): Promise<{ latencies: number[]; failed: number }> {
  const url = new URL(urlText);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let failed = 0;
  let left = n;
  const until = performance.now() + maxMs;
  const worker = async () => {
    while (left-- > 0 && performance.now() < until) {
      const t0 = performance.now();
      const o = await once(agent, url, 5_000);
      const ms = performance.now() - t0;
      if (o.status === 200) latencies.push(ms);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  agent.destroy();
  return { latencies, failed };
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: number[]) => quantile(values, 0.5);
