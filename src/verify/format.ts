import { formatDuration } from "../core/index.js";

/**
 * Number formatting for the sentences decisions and probes carry. Kept in one place so a
 * reason reads the same in `slipway show`, the API and the logs.
 */

/** A duration as people write it in slipway.yaml: "2s", "30s", "250ms", "1.5s", "4m05s". */
export function formatWait(ms: number): string {
  if (ms >= 1_000 && ms < 60_000 && ms % 1_000 === 0) return `${ms / 1_000}s`;
  return formatDuration(ms);
}

/** A fraction such as an error rate: three decimals, small non-zero values in exponent form. */
export function formatRate(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "n/a";
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return value.toFixed(3);
}

/** A latency in milliseconds: whole ms from 10 ms up, one decimal below. */
export function formatMs(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "n/a";
  if (!Number.isFinite(value)) return `${value}ms`;
  return value >= 10 ? `${Math.round(value)}ms` : `${Number(value.toFixed(1))}ms`;
}

/** A p-value: exponent form once it is small enough that decimals would only show zeros. */
export function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** A plain number as given in config or read from a source, without float noise. */
export function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "n/a";
  return String(Number(value.toPrecision(6)));
}

/** "20%" from 0.2. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
