/**
 * Duration histograms with log-spaced buckets (each 2 % wider than the last) that also keep the
 * exact smallest and largest value seen in each bucket. A quantile is the nearest-rank value:
 * exact when its bucket holds one distinct value (small histories), otherwise the bucket's
 * geometric middle clamped to what was seen, within 1 % of the exact answer.
 */

const RATIO = Math.log(1.02);

export function bucketOf(ms: number): number {
  return ms < 1 ? 0 : 1 + Math.floor(Math.log(ms) / RATIO);
}

export interface Bucket {
  bucket: number;
  n: number;
  min: number;
  max: number;
}

/** Merges samples (or stored buckets) into buckets by index. */
export function mergeBuckets(parts: Iterable<Bucket>): Bucket[] {
  const out = new Map<number, Bucket>();
  for (const p of parts) {
    const b = out.get(p.bucket);
    if (!b) out.set(p.bucket, { ...p });
    else {
      b.n += p.n;
      b.min = Math.min(b.min, p.min);
      b.max = Math.max(b.max, p.max);
    }
  }
  return [...out.values()].sort((a, b) => a.bucket - b.bucket);
}

export const sampleBucket = (ms: number): Bucket => ({ bucket: bucketOf(ms), n: 1, min: ms, max: ms });

export const countOf = (buckets: readonly Bucket[]): number => buckets.reduce((s, b) => s + b.n, 0);

/** The nearest-rank quantile q (0 < q ≤ 1): the value at rank ceil(q·n); null when empty. */
export function quantile(buckets: readonly Bucket[], q: number): number | null {
  const n = countOf(buckets);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const b of buckets) {
    seen += b.n;
    if (seen < rank) continue;
    if (b.min === b.max) return b.min;
    // The first value of a bucket is its min, the last its max; in between, the bucket's middle.
    const inBucket = rank - (seen - b.n);
    if (inBucket === 1) return b.min;
    if (inBucket === b.n) return b.max;
    const middle = b.bucket === 0 ? 0 : Math.exp((b.bucket - 0.5) * RATIO);
    return Math.round(Math.min(b.max, Math.max(b.min, middle)));
  }
  return buckets[buckets.length - 1]!.max;
}
