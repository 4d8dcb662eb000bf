/**
 * The live route table: one HTTP listener per route, swapped or closed as routes change.
 * Mutations run one at a time so listener changes and persistence never interleave.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { VersionStats } from "../core/index.js";
import { conflict, failed, notFound } from "../core/index.js";
import type { Cursors } from "./balance.js";
import { closeGracefully } from "./http-util.js";
import type { RouterLogger } from "./logger.js";
import { createProxyHandler } from "./proxy.js";
import type { ProxyDeps } from "./proxy.js";
import { parseRoute } from "./schema.js";
import { StatsWriter } from "./stats-file.js";
import type { SavedStats } from "./stats-file.js";
import { createRouteStats } from "./stats.js";
import type { RouteStats } from "./stats.js";
import type { Route, RouterControl } from "./types.js";
import type { Upstream, UpstreamKind } from "./upstream.js";
import { NodeUpstream } from "./upstream-node.js";
import { UndiciUpstream } from "./upstream-undici.js";

/** Options of a route table. */
export interface RouteTableOptions {
  /** Interface the route listeners bind to. */
  host: string;
  logger: RouterLogger;
  /** Called with the whole table after every change (persistence); a throw fails the change. */
  onChange?: (routes: Route[]) => Promise<void>;
  /** Bound on waiting for requests in flight when a listener closes. */
  graceMs?: number;
  /** Where per-version counters are kept across restarts; without it they start at zero. */
  statsPath?: string;
  /** The HTTP client to the backends; default undici. */
  upstream?: UpstreamKind;
}

/** How often counters are saved while traffic flows (reads of the stats save them at once). */
const STATS_SAVE_MS = 1_000;

interface Listener {
  server: Server;
  port: number;
  closing: boolean;
}

interface Entry {
  route: Route;
  stats: RouteStats;
  cursors: Cursors;
  listener: Listener | undefined;
}

function createUpstream(kind: UpstreamKind): Upstream {
  return kind === "node" ? new NodeUpstream() : new UndiciUpstream();
}

/** The router's state and data plane, in process. Owns the listeners and the upstream client. */
export class RouteTable implements RouterControl {
  readonly #entries = new Map<string, Entry>();
  readonly #closingListeners = new Set<Promise<void>>();
  readonly #deps: ProxyDeps;
  readonly #options: RouteTableOptions;
  readonly #stats: StatsWriter | undefined;
  #statsTimer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RouteTableOptions) {
    this.#options = options;
    if (options.statsPath) {
      this.#stats = new StatsWriter(options.statsPath, () =>
        Object.fromEntries([...this.#entries.values()].map((e) => [e.route.key, e.stats.snapshot(e.route.backends.map((b) => b.version))])),
      );
      let saved = -1;
      this.#statsTimer = setInterval(() => {
        const recorded = [...this.#entries.values()].reduce((n, e) => n + e.stats.recorded(), 0);
        if (recorded === saved) return;
        saved = recorded;
        this.#stats!.save().catch((err: Error) => options.logger.error({ err: err.message }, "cannot save router stats"));
      }, STATS_SAVE_MS);
      this.#statsTimer.unref();
    }
    this.#deps = { upstream: createUpstream(options.upstream ?? "undici"), logger: options.logger };
  }

  /** Starts serving persisted routes, counting on from their saved counters; a route whose port cannot be bound is kept and logged. */
  async restore(routes: Route[], saved: SavedStats = new Map()): Promise<void> {
    for (const route of routes) {
      const entry = this.#newEntry(route, saved.get(route.key));
      this.#entries.set(route.key, entry);
      try {
        entry.listener = await this.#listen(entry, route.port);
      } catch (err) {
        this.#options.logger.error({ route: route.key, port: route.port, err: (err as Error).message }, "cannot serve restored route");
      }
    }
  }

  setRoute(input: Route): Promise<void> {
    const route = parseRoute(input);
    return this.#serialized(async () => {
      const clash = [...this.#entries.values()].find((e) => e.route.key !== route.key && e.route.port === route.port);
      if (clash) throw conflict(`port ${route.port} already serves route ${clash.route.key}`, { hint: "give each (service, environment) its own port" });
      const existing = this.#entries.get(route.key);
      const entry = existing ?? this.#newEntry(route);
      if (!entry.listener || entry.listener.port !== route.port) {
        // Open the new port before closing the old one so the route is never unserved.
        const next = await this.#listen(entry, route.port);
        if (entry.listener) this.#retire(entry.listener);
        entry.listener = next;
      }
      entry.route = route;
      this.#entries.set(route.key, entry);
      this.#options.logger.info({ route: route.key, port: route.port, backends: route.backends.map((b) => ({ version: b.version, weight: b.weight, targets: b.targets.length })) }, "route set");
      this.#retainTargets();
      await this.#persist();
    });
  }

  /** Idempotent: removing a missing route succeeds, so a retried step does not fail. */
  removeRoute(key: string): Promise<void> {
    return this.#serialized(async () => {
      const entry = this.#entries.get(key);
      if (!entry) return;
      this.#entries.delete(key);
      if (entry.listener) this.#retire(entry.listener);
      this.#options.logger.info({ route: key }, "route removed");
      this.#retainTargets();
      await this.#persist();
    });
  }

  async listRoutes(): Promise<Route[]> {
    return [...this.#entries.values()].map((e) => structuredClone(e.route));
  }

  /** Saved to disk before they are answered: no counter a caller has seen can go backwards after a crash. */
  async getStats(key: string): Promise<VersionStats[]> {
    const entry = this.#get(key);
    const snapshot = entry.stats.snapshot(entry.route.backends.map((b) => b.version));
    await this.#stats?.save();
    return snapshot;
  }

  drain(key: string, version: string, timeoutMs: number): Promise<boolean> {
    return this.#get(key).stats.drain(version, timeoutMs);
  }

  /** Ports that failed to bind, by route key (restored routes whose port was taken). */
  unserved(): string[] {
    return [...this.#entries.values()].filter((e) => !e.listener).map((e) => e.route.key);
  }

  /** Closes every listener, waiting (at most `graceMs`) for requests in flight. */
  async close(graceMs = this.#options.graceMs ?? 10_000): Promise<void> {
    await this.#serialized(async () => {
      for (const entry of this.#entries.values()) {
        if (entry.listener) this.#retire(entry.listener, graceMs);
        entry.listener = undefined;
      }
      await Promise.all(this.#closingListeners);
      clearInterval(this.#statsTimer);
      await this.#stats?.save();
      await this.#deps.upstream.close();
    });
  }

  #get(key: string): Entry {
    const entry = this.#entries.get(key);
    if (!entry) throw notFound(`no route ${key}`, { hint: "list routes with GET /routes" });
    return entry;
  }

  #newEntry(route: Route, saved?: VersionStats[]): Entry {
    return { route, stats: createRouteStats(saved), cursors: new Map(), listener: undefined };
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Connections to targets no route names any more are closed once their requests finish. */
  #retainTargets(): void {
    this.#deps.upstream.retain(new Set([...this.#entries.values()].flatMap((e) => e.route.backends.flatMap((b) => b.targets))));
  }

  async #persist(): Promise<void> {
    await this.#options.onChange?.([...this.#entries.values()].map((e) => e.route));
  }

  #listen(entry: Entry, port: number): Promise<Listener> {
    const listener: Listener = { server: createServer(), port, closing: false };
    const handler = createProxyHandler(
      { key: entry.route.key, current: () => entry.route, cursors: entry.cursors, stats: entry.stats, closing: () => listener.closing },
      this.#deps,
    );
    listener.server.on("request", handler);
    return new Promise((resolve, reject) => {
      listener.server.once("error", (err: NodeJS.ErrnoException) => {
        const where = `${this.#options.host}:${port}`;
        reject(err.code === "EADDRINUSE"
          ? conflict(`port ${where} is already in use`, { hint: "pick another port for this route, or stop what listens there", cause: err })
          : failed(`cannot listen on ${where}: ${err.message}`, { cause: err }));
      });
      listener.server.listen(port, this.#options.host, () => {
        listener.server.on("error", (err) => this.#options.logger.error({ port, err: err.message }, "listener error"));
        resolve(listener);
      });
    });
  }

  /** Stops a listener in the background; close() waits for all of them. */
  #retire(listener: Listener, graceMs = this.#options.graceMs ?? 10_000): void {
    listener.closing = true;
    const done = closeGracefully(listener.server, graceMs).then(() => {
      this.#closingListeners.delete(done);
    });
    this.#closingListeners.add(done);
  }
}
