/**
 * A bounded, steady HTTP load against a router URL: a few concurrent loops on keep-alive
 * connections, each request classified. Bounded by a request count, a maximum duration and
 * stop() (an AbortSignal), so a test that fails early never leaves it running.
 */
import { Agent, request } from "node:http";

export interface LoadFailure {
  at: number;
  /** "status" for a 5xx answer, "error" for a request that got no answer. */
  kind: "status" | "error";
  status?: number;
  detail: string;
}

export interface LoadReport {
  sent: number;
  /** Requests answered with a status below 500. */
  ok: number;
  failures: LoadFailure[];
  /** Answers per version ("1.0.0"), from the example's "hello from VERSION" / "hello VERSION failed". */
  versions: Record<string, number>;
  /** Answers per status code. */
  statuses: Record<number, number>;
}

export interface LoadOptions {
  concurrency?: number;
  /** Stop after this long even if nobody calls stop(). Default 120 s. */
  maxDurationMs?: number;
  /** Stop after this many requests in all. Default 200,000. */
  maxRequests?: number;
  /** Pause of each loop between two requests. Default 10 ms (keeps a 2-core machine usable). */
  pauseMs?: number;
  path?: string;
}

export interface Load {
  /** What was counted so far. */
  report(): LoadReport;
  /** Stops the loops and resolves with the final counts once every request in flight has ended. */
  stop(): Promise<LoadReport>;
}

export function startLoad(baseUrl: string, options: LoadOptions = {}): Load {
  const url = new URL(options.path ?? "/", baseUrl);
  const concurrency = options.concurrency ?? 4;
  const maxRequests = options.maxRequests ?? 200_000;
  const pauseMs = options.pauseMs ?? 10;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.maxDurationMs ?? 120_000);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const report: LoadReport = { sent: 0, ok: 0, failures: [], versions: {}, statuses: {} };

  const once = () =>
    new Promise<void>((resolve) => {
      report.sent++;
      const req = request(url, { agent, method: "GET", timeout: 15_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err) => {
          report.failures.push({ at: Date.now(), kind: "error", detail: `response: ${err.message}` });
          resolve();
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString("utf8").trim();
          report.statuses[status] = (report.statuses[status] ?? 0) + 1;
          const version = /^hello (?:from )?(\S+)/.exec(body)?.[1];
          if (version) report.versions[version] = (report.versions[version] ?? 0) + 1;
          if (status >= 500) report.failures.push({ at: Date.now(), kind: "status", status, detail: body.slice(0, 200) });
          else report.ok++;
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("no answer within 15 s")));
      req.on("error", (err) => {
        report.failures.push({ at: Date.now(), kind: "error", detail: err.message });
        resolve();
      });
      req.end();
    });

  const loop = async () => {
    while (!controller.signal.aborted && report.sent < maxRequests) {
      await once();
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const loops = Promise.all(Array.from({ length: concurrency }, loop));

  return {
    report: () => report,
    stop: async () => {
      controller.abort();
      clearTimeout(timer);
      await loops;
      agent.destroy();
      return report;
    },
  };
}

/** A one-line summary for assertion messages. */
export function loadSummary(r: LoadReport): string {
  const failures = r.failures.slice(0, 5).map((f) => `${f.kind}${f.status ? ` ${f.status}` : ""}: ${f.detail}`);
  return `sent ${r.sent}, ok ${r.ok}, failed ${r.failures.length}, versions ${JSON.stringify(r.versions)}, statuses ${JSON.stringify(r.statuses)}${failures.length ? `; first failures: ${failures.join(" | ")}` : ""}`;
}
