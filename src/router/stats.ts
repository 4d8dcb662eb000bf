/**
 * Per-route, per-version counters and in-flight tracking. Counters are cumulative for the life
 * of the route (across router restarts: see stats-file.ts) so analysis can diff two snapshots;
 * in-flight counts back `drain`.
 */
import { LATENCY_BUCKETS_MS } from "../core/index.js";
import type { VersionStats } from "../core/index.js";

/** Status class a finished request is counted under; "error" is a proxy failure after retries. */
export type StatusClass = keyof VersionStats["statusClasses"];

/** Maps an HTTP status to its class; anything outside 200..599 counts as a proxy error. */
export function statusClassOf(status: number): StatusClass {
  if (status >= 200 && status < 300) return "2xx";
  if (status >= 300 && status < 400) return "3xx";
  if (status >= 400 && status < 500) return "4xx";
  if (status >= 500 && status < 600) return "5xx";
  return "error";
}

/** Index of the histogram bucket for a latency: the first bound >= ms, else the +Inf bucket. */
export function bucketIndex(ms: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
  return i;
}

function emptyStats(version: string): VersionStats {
  return {
    version,
    requests: 0,
    statusClasses: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, error: 0 },
    latencyBuckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
  };
}

/** Counters and in-flight tracking of one route. Owns no resource: plain state plus waiters. */
export interface RouteStats {
  /** Counts one finished request against `version`. */
  record(version: string, status: StatusClass, latencyMs: number): void;
  /** Marks a request as in flight at `version`; each enter is matched by exactly one leave. */
  enter(version: string): void;
  leave(version: string): void;
  inFlight(version: string): number;
  /** Resolves true once `version` has nothing in flight, false if `timeoutMs` passes first. */
  drain(version: string, timeoutMs: number): Promise<boolean>;
  /** Snapshot (deep copy): the listed versions first, in order, then any other counted version. */
  snapshot(versions: readonly string[]): VersionStats[];
  /** Requests recorded since the counters were created: tells a writer whether anything changed. */
  recorded(): number;
}

/** Creates the counters of a route, continuing from `initial` (counters saved before a restart). */
export function createRouteStats(initial: readonly VersionStats[] = []): RouteStats {
  const counters = new Map<string, VersionStats>();
  for (const saved of initial) {
    const s = emptyStats(saved.version);
    s.requests = saved.requests;
    s.statusClasses = { ...s.statusClasses, ...saved.statusClasses };
    saved.latencyBuckets.forEach((n, i) => (s.latencyBuckets[Math.min(i, s.latencyBuckets.length - 1)]! += n));
    counters.set(saved.version, s);
  }
  let recorded = 0;
  const inflight = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();

  const release = (version: string) => {
    const left = (inflight.get(version) ?? 1) - 1;
    if (left > 0) {
      inflight.set(version, left);
      return;
    }
    inflight.delete(version);
    const ws = waiters.get(version);
    waiters.delete(version);
    ws?.forEach((wake) => wake());
  };

  return {
    record(version, status, latencyMs) {
      recorded++;
      let s = counters.get(version);
      if (!s) counters.set(version, (s = emptyStats(version)));
      s.requests += 1;
      s.statusClasses[status] += 1;
      const i = bucketIndex(latencyMs);
      s.latencyBuckets[i] = (s.latencyBuckets[i] ?? 0) + 1;
    },
    enter(version) {
      inflight.set(version, (inflight.get(version) ?? 0) + 1);
    },
    leave: release,
    inFlight: (version) => inflight.get(version) ?? 0,
    drain(version, timeoutMs) {
      if (!inflight.get(version)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const set = waiters.get(version) ?? new Set<() => void>();
        waiters.set(version, set);
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          set.delete(wake);
          resolve(false);
        }, timeoutMs);
        set.add(wake);
      });
    },
    snapshot(versions) {
      const order = [...versions, ...[...counters.keys()].filter((v) => !versions.includes(v))];
      return order.map((v) => structuredClone(counters.get(v) ?? emptyStats(v)));
    },
    recorded: () => recorded,
  };
}
