/**
 * The Mann-Whitney judgement Kayenta's classifier makes for one metric: the Hodges–Lehmann
 * estimate of the shift between canary and baseline values with its confidence interval
 * (normal approximation, as R's wilcox.test uses for larger or tied samples), and "High" when
 * the interval's low end is above a fraction (default 0.25) of the estimate's size.
 */

/** z for a two-sided 95 % interval. */
const Z_975 = 1.959963984540054;

export interface ShiftInterval {
  estimate: number;
  low: number;
  high: number;
}

/** Hodges–Lehmann shift (canary − baseline) and its confidence interval at `z` (95 % by default). */
export function shiftInterval(canary: readonly number[], baseline: readonly number[], z = Z_975): ShiftInterval | null {
  const m = canary.length;
  const n = baseline.length;
  if (m === 0 || n === 0) return null;
  const diffs = new Float64Array(m * n);
  let i = 0;
  for (const x of canary) for (const y of baseline) diffs[i++] = x - y;
  diffs.sort();
  const mid = (m * n) / 2;
  const estimate = (m * n) % 2 === 1 ? diffs[Math.floor(mid)]! : (diffs[mid - 1]! + diffs[mid]!) / 2;
  const k = Math.floor(mid - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  if (k < 1) return { estimate, low: -Infinity, high: Infinity };
  return { estimate, low: diffs[k - 1]!, high: diffs[m * n - k]! };
}

/** Kayenta's "High" for a metric where an increase is bad. */
export function classifiedHigh(canary: readonly number[], baseline: readonly number[], fraction = 0.25): boolean {
  const shift = shiftInterval(canary, baseline);
  if (!shift) return false;
  return shift.low > fraction * Math.abs(shift.estimate);
}
