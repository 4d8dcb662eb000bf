/**
 * The Prometheus exposition behind GET /metrics (prom-client): deployments, steps, verdicts,
 * queue, leases, the notification outbox and the router's per-version series
 * (docs/metrics-prometheus.md). The public face of src/prometheus.
 */
export { createMetricsExposition, type MetricsExposition, type MetricsSources } from "./metrics.js";
