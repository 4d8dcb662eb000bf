import { Agent, request } from "node:http";

export interface LoadResult {
  sent: number;
  /** Requests the router did not answer (connection errors, 502/503): downtime. */
  failed: number;
  /** The failed ones by kind ("502", "503", "no answer"), to tell downtime's causes apart. */
  failures: Record<string, number>;
  /** 500s answered by the app itself (a bad build), not downtime. */
  status5xx: number;
  byVersion: Record<string, number>;
}

/**
 * Steady keep-alive GET traffic against `url` until `signal` aborts or `maxDurationMs` passes.
 * Bounded in time and concurrency; for demos and tests on loopback only.
 */
export async function runLoad(url: string, options: { concurrency: number; maxDurationMs: number; signal: AbortSignal }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const result: LoadResult = { sent: 0, failed: 0, failures: {}, status5xx: 0, byVersion: {} };
  const deadline = Date.now() + options.maxDurationMs;
  const worker = async () => {
    while (!options.signal.aborted && Date.now() < deadline) {
      result.sent++;
      const outcome = await getOnce(url, agent);
      if (outcome.status === 0 || outcome.status === 502 || outcome.status === 503) {
        result.failed++;
        const kind = outcome.status === 0 ? "no answer" : String(outcome.status);
        result.failures[kind] = (result.failures[kind] ?? 0) + 1;
      }
      else if (outcome.status >= 500) result.status5xx++;
      if (outcome.version) result.byVersion[outcome.version] = (result.byVersion[outcome.version] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return result;
}

function getOnce(url: string, agent: Agent): Promise<{ status: number; version?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, version: res.headers["x-slipway-version"] as string | undefined }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0 }));
    req.end();
  });
}
