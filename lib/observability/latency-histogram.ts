/**
 * A log-linear latency histogram with the bucket layout of HdrHistogram at 2 significant digits
 * (the one Redis 7 uses for `INFO latencystats`): values in nanoseconds, exact below 256, then
 * 128 equal sub-buckets per power of two, so every bucket is within 1/128 (< 1%) of its value.
 * Values above MAX_TRACKABLE_NS (~4.6 minutes) are clamped to it.
 *
 * `valueAtPercentile` follows hdr_value_at_percentile: the highest value equivalent to the
 * bucket holding the requested rank (the lowest one for p0), so a 1,000 ns sample reads 1.003 µs,
 * exactly as Redis prints it. Pure: no clock, no I/O.
 */

const SUB_BUCKETS = 256;
const HALF = 128;
const HALF_MAGNITUDE = 7;
/** highest power of two tracked: 2^38 ns ≈ 275 s */
const MAX_MAGNITUDE = 38;
export const MAX_TRACKABLE_NS = 2 ** MAX_MAGNITUDE - 1;
/** number of counters: the exact range plus 128 per power of two from 2^8 to 2^38 */
export const BUCKET_COUNT = SUB_BUCKETS + (MAX_MAGNITUDE - 8) * HALF;
const TWO_32 = 2 ** 32;

/** floor(log2(v)) for an integer v >= 1, exact up to 2^53 */
function magnitude(v: number): number {
  return v < TWO_32 ? 31 - Math.clz32(v) : 63 - Math.clz32(Math.floor(v / TWO_32));
}

/** the bucket index of a value in ns (clamped to [0, MAX_TRACKABLE_NS], rounded down) */
export function bucketIndex(ns: number): number {
  const v = ns >= MAX_TRACKABLE_NS ? MAX_TRACKABLE_NS : ns > 0 ? Math.floor(ns) : 0;
  if (v < SUB_BUCKETS) return v;
  const m = magnitude(v);
  const shift = m - HALF_MAGNITUDE;
  // a shift while v fits 31 bits (every latency under ~2 s); a division above
  const sub = v < 2 ** 31 ? v >>> shift : Math.floor(v / 2 ** shift);
  return SUB_BUCKETS + (m - 8) * HALF + (sub - HALF);
}

/** the lowest value (ns) that lands in bucket `index` */
export function bucketLow(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const rel = index - SUB_BUCKETS;
  const m = 8 + Math.floor(rel / HALF);
  const sub = HALF + (rel % HALF);
  return sub * 2 ** (m - HALF_MAGNITUDE);
}

/** the highest value (ns) that lands in bucket `index` */
export function bucketHigh(index: number): number {
  return index + 1 < BUCKET_COUNT ? bucketLow(index + 1) - 1 : MAX_TRACKABLE_NS;
}

/** a read-only view of bucket counts, so a sum over several histograms needs no copy */
export interface BucketCounts {
  readonly total: number;
  /** count of bucket `index` */
  at(index: number): number;
  /** highest bucket index with a count (-1 when empty) */
  readonly maxIndex: number;
}

export class LatencyHistogram implements BucketCounts {
  private counts = new Float64Array(BUCKET_COUNT);
  total = 0;
  maxIndex = -1;

  /** count one sample of `ns` nanoseconds */
  record(ns: number): void {
    const i = bucketIndex(ns);
    this.counts[i]!++;
    this.total++;
    if (i > this.maxIndex) this.maxIndex = i;
  }

  at(index: number): number {
    return this.counts[index]!;
  }

  reset(): void {
    if (this.total === 0) return;
    this.counts.fill(0, 0, this.maxIndex + 1);
    this.total = 0;
    this.maxIndex = -1;
  }

  /** ns at percentile p in [0, 100]; 0 for an empty histogram */
  valueAtPercentile(p: number): number {
    return valueAtPercentile(this, p);
  }
}

/** hdr_value_at_percentile over any bucket view (one histogram or a sum of several) */
export function valueAtPercentile(h: BucketCounts, p: number): number {
  if (h.total === 0) return 0;
  const pct = Math.min(Math.max(p, 0), 100);
  const rank = Math.max(1, Math.floor((pct / 100) * h.total + 0.5));
  let seen = 0;
  for (let i = 0; i <= h.maxIndex; i++) {
    seen += h.at(i);
    if (seen >= rank) return pct === 0 ? bucketLow(i) : bucketHigh(i);
  }
  return bucketHigh(h.maxIndex);
}
