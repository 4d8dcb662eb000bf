import { collectDefaultMetrics, Counter, Registry } from "prom-client";
import { LATENCY_BUCKETS_MS } from "../core/index.js";
import type { RouterControl } from "../router/types.js";
import { countDecisions, countDeployments, countOutboxByState, countVerificationSteps, stepDurationHistograms, type Store } from "../store/index.js";
import { histogramSamples, registerSnapshot, type Sample } from "./snapshot.js";

export interface MetricsSources {
  store: Store;
  router: RouterControl;
  /** This instance's running totals (the engine's counters). */
  counters: () => { leaseRenewals: number; leasesLost: number };
}

const TERMINAL = new Set(["succeeded", "failed", "rolled_back", "rollback_failed", "cancelled", "rejected"]);
const QUEUED = new Set(["queued", "awaiting_approval"]);
/** Step durations: from a quick start to a long soak. */
const STEP_BOUNDS_MS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];

/**
 * Builds the registry behind GET /metrics. Deployment, step, verdict and outbox series are read
 * from the database at each scrape (cluster-wide: every instance reports the same numbers);
 * router series from this node's router, whose counters persist across its restarts;
 * lease renewals and the process metrics belong to this instance.
 */
export interface MetricsExposition {
  contentType: string;
  /** Reads every source once and returns the exposition text. */
  scrape(): Promise<string>;
}

export function createMetricsExposition(sources: MetricsSources): MetricsExposition {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "slipway_process_" });
  const { store } = sources;

  registerSnapshot(registry, { name: "slipway_deployments_total", help: "Finished deployments by service, environment, strategy and result (the final state)", type: "counter" }, async () =>
    (await countDeployments(store.db)).filter((d) => TERMINAL.has(d.state)).map((d) => ({ labels: { service: d.service, environment: d.environment, strategy: d.strategy, result: d.state }, value: d.count })),
  );
  registerSnapshot(registry, { name: "slipway_deployments_in_progress", help: "Deployments not yet finished, by state (queued and awaiting_approval are the queue)", type: "gauge" }, async () => {
    const byState = new Map<string, number>([...QUEUED, "running", "verifying", "rolling_back"].map((s) => [s, 0]));
    for (const d of await countDeployments(store.db)) if (!TERMINAL.has(d.state)) byState.set(d.state, (byState.get(d.state) ?? 0) + d.count);
    return [...byState].map(([state, value]) => ({ labels: { state }, value }));
  });
  registerSnapshot(registry, { name: "slipway_deployment_queue_depth", help: "Deployments waiting to start (queued or awaiting an approval)", type: "gauge" }, async () => {
    const waiting = (await countDeployments(store.db)).filter((d) => QUEUED.has(d.state)).reduce((n, d) => n + d.count, 0);
    return [{ labels: {}, value: waiting }];
  });
  registerSnapshot(registry, { name: "slipway_step_duration_seconds", help: "How long finished deployment steps took, by step kind", type: "histogram" }, async () =>
    (await stepDurationHistograms(store.db, STEP_BOUNDS_MS)).flatMap((h) => histogramSamples("slipway_step_duration_seconds", { kind: h.kind }, STEP_BOUNDS_MS.map((b) => b / 1000), h.buckets, h.count, h.sumMs / 1000)),
  );
  registerSnapshot(registry, { name: "slipway_analysis_verdicts_total", help: "Verification analysis verdicts, one per check per recorded look", type: "counter" }, async () =>
    (await countDecisions(store.db)).map((d) => ({ labels: { check: d.check, verdict: d.verdict }, value: d.count })),
  );
  registerSnapshot(registry, { name: "slipway_verifications_total", help: "Finished verification (probes, smoke) and analysis steps by kind and verdict (pass or fail)", type: "counter" }, async () =>
    (await countVerificationSteps(store.db)).map((v) => ({ labels: { kind: v.kind, verdict: v.state === "done" ? "pass" : "fail" }, value: v.count })),
  );
  registerSnapshot(registry, { name: "slipway_notification_outbox_messages", help: "Notification outbox rows by state (pending is the depth still to send; dead is the dead-letter list)", type: "gauge" }, async () =>
    Object.entries(await countOutboxByState(store.db)).map(([state, value]) => ({ labels: { state }, value })),
  );
  registerProcessCounters(registry, sources);
  const router = registerRouterSeries(registry);
  return {
    contentType: registry.contentType,
    scrape: async () => {
      router.current = readRouter(sources.router).catch(() => undefined);
      return registry.metrics();
    },
  };
}

function registerProcessCounters(registry: Registry, sources: MetricsSources): void {
  const renewals = new Counter({ name: "slipway_lease_renewals_total", help: "Deployment leases this instance extended by heartbeat", registers: [registry], collect() {
    renewals.reset();
    renewals.inc(sources.counters().leaseRenewals);
  } });
  const lost = new Counter({ name: "slipway_leases_lost_total", help: "Deployment leases this instance found taken over at a heartbeat", registers: [registry], collect() {
    lost.reset();
    lost.inc(sources.counters().leasesLost);
  } });
}

/**
 * The router's families, fed by one read per scrape (`current`, set by scrape()). A router that
 * does not answer (restarting, say) leaves its series out of that scrape and sets
 * slipway_router_up to 0, rather than failing the whole scrape.
 */
function registerRouterSeries(registry: Registry): { current: Promise<RouterRead[] | undefined> } {
  const holder: { current: Promise<RouterRead[] | undefined> } = { current: Promise.resolve(undefined) };
  const snapshot = () => holder.current;
  const read = async () => (await snapshot()) ?? [];
  registerSnapshot(registry, { name: "slipway_router_up", help: "1 when this node's router answered the scrape's stats read, 0 when it did not (its series are left out then)", type: "gauge" }, async () => [
    { labels: {}, value: (await snapshot()) ? 1 : 0 },
  ]);
  const boundsSeconds = LATENCY_BUCKETS_MS.map((b) => b / 1000);
  registerSnapshot(registry, { name: "slipway_router_requests_total", help: "Requests the router proxied, per service, environment and version (kept across router restarts)", type: "counter" }, async () =>
    (await read()).map((r) => ({ labels: r.labels, value: r.stats.requests })),
  );
  registerSnapshot(registry, { name: "slipway_router_errors_total", help: "Router requests answered 5xx or failed in the proxy, per version", type: "counter" }, async () =>
    (await read()).map((r) => ({ labels: r.labels, value: r.stats.statusClasses["5xx"] + r.stats.statusClasses.error })),
  );
  registerSnapshot(registry, { name: "slipway_router_responses_total", help: "Router responses per version and status class (error: the proxy could not reach a replica)", type: "counter" }, async () =>
    (await read()).flatMap((r) => Object.entries(r.stats.statusClasses).map(([code, value]): Sample => ({ labels: { ...r.labels, code }, value }))),
  );
  registerSnapshot(registry, { name: "slipway_router_request_duration_seconds", help: "Router request latency per version (buckets and count; the router keeps no sum)", type: "histogram" }, async () =>
    (await read()).flatMap((r) => {
      let running = 0;
      const cumulative = r.stats.latencyBuckets.slice(0, boundsSeconds.length).map((n) => (running += n));
      const count = r.stats.latencyBuckets.reduce((a, b) => a + b, 0);
      return histogramSamples("slipway_router_request_duration_seconds", r.labels, boundsSeconds, cumulative, count);
    }),
  );
  return holder;
}

interface RouterRead {
  labels: { service: string; environment: string; version: string };
  stats: Awaited<ReturnType<RouterControl["getStats"]>>[number];
}

async function readRouter(router: RouterControl): Promise<RouterRead[]> {
  const out: RouterRead[] = [];
  for (const route of await router.listRoutes()) {
    const [service = route.key, environment = ""] = route.key.split("/");
    for (const stats of await router.getStats(route.key)) out.push({ labels: { service, environment, version: stats.version }, stats });
  }
  return out;
}
