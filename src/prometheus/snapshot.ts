import type { Metric, Registry } from "prom-client";

/** One sample of a metric family: `metricName` for a histogram's `_bucket`, `_count` and `_sum` lines. */
export interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * Registers a metric family whose samples are read fresh at every scrape (from the database or
 * the router), rather than accumulated in this process: the numbers are the same after a
 * restart and on every instance. prom-client formats it like its own metrics.
 */
export function registerSnapshot(registry: Registry, family: { name: string; help: string; type: "counter" | "gauge" | "histogram" }, read: () => Promise<Sample[]>): void {
  const metric = {
    name: family.name,
    help: family.help,
    type: family.type,
    aggregator: "sum",
    get: async () => ({ name: family.name, help: family.help, type: family.type, aggregator: "sum", values: await read() }),
    reset: () => undefined,
  };
  registry.registerMetric(metric as unknown as Metric);
}

/** Cumulative `_bucket` samples (with +Inf), `_count` and, when known, `_sum` of one histogram series. */
export function histogramSamples(name: string, labels: Record<string, string>, boundsSeconds: readonly number[], cumulative: readonly number[], count: number, sumSeconds?: number): Sample[] {
  const out: Sample[] = boundsSeconds.map((le, i) => ({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative[i] ?? 0 }));
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: count });
  out.push({ metricName: `${name}_count`, labels, value: count });
  if (sumSeconds !== undefined) out.push({ metricName: `${name}_sum`, labels, value: sumSeconds });
  return out;
}
