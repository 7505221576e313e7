// A latency histogram with bounded relative error (under 1.6%), in whole microseconds, like an
// HDR histogram with 6 bits of sub-bucket precision. Pure. Mergeable by adding counts.

const LINEAR = 128;
const SUB = 64;
const MAGNITUDES = 26;
const SIZE = LINEAR + MAGNITUDES * SUB;

export class LatencyHistogram {
  readonly counts = new Float64Array(SIZE);
  total = 0;
  maxUs = 0;
  sumUs = 0;

  record(us: number): void {
    const v = Math.max(0, Math.round(us));
    this.counts[bucketOf(v)]++;
    this.total++;
    this.sumUs += v;
    if (v > this.maxUs) this.maxUs = v;
  }

  add(other: LatencyHistogram): void {
    for (let i = 0; i < SIZE; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.sumUs += other.sumUs;
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  /** The latency in µs below which the fraction `q` (0..1) of the recorded values lies. */
  percentileUs(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.maxUs, midpointOf(i));
    }
    return this.maxUs;
  }

  meanUs(): number {
    return this.total === 0 ? NaN : this.sumUs / this.total;
  }
}

export function bucketOf(v: number): number {
  if (v < LINEAR) return v;
  const magnitude = 31 - Math.clz32(v);
  const shift = magnitude - 6;
  const index = LINEAR + (shift - 1) * SUB + ((v >>> shift) - SUB);
  return Math.min(SIZE - 1, index);
}

/** The middle of the values that fall into bucket `i`. */
export function midpointOf(i: number): number {
  if (i < LINEAR) return i;
  const shift = Math.floor((i - LINEAR) / SUB) + 1;
  const sub = ((i - LINEAR) % SUB) + SUB;
  const low = sub << shift;
  return low + ((1 << shift) - 1) / 2;
}
