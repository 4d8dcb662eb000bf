import type { VersionStats } from "../core/index.js";

/** One version behind a route: its weight (0..100) and the replica addresses that serve it. */
export interface Backend {
  version: string;
  weight: number;
  /** "127.0.0.1:PORT" addresses of the version's replicas. */
  targets: string[];
}

/** A (service, environment) route: one stable port, traffic split by weight across versions. */
export interface Route {
  /** "service/environment". */
  key: string;
  port: number;
  backends: Backend[];
}

/** The control plane's handle on the router daemon (which outlives control-plane restarts). */
export interface RouterControl {
  /** Creates or replaces a route; weight changes apply to the next request. */
  setRoute(route: Route): Promise<void>;
  removeRoute(key: string): Promise<void>;
  listRoutes(): Promise<Route[]>;
  /** Cumulative per-version counters since the route was created. */
  getStats(key: string): Promise<VersionStats[]>;
  /** Resolves when the version has no request in flight (or the timeout passed: returns false). */
  drain(key: string, version: string, timeoutMs: number): Promise<boolean>;
}
