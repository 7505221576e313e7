/**
 * A sliding window over every foreground command: `slots` histograms of `slotMs` each in a ring,
 * plus a failure count per slot. Reading it sums the slots still inside the window (the current,
 * partial one included) without copying them. What the background controller reads.
 * Pure: time (ns, any monotonic origin) is a parameter.
 */
import { LatencyHistogram, valueAtPercentile, type BucketCounts } from './latency-histogram';

export interface WindowOptions {
  /** width of one slot in ms; default 250 */
  readonly slotMs?: number;
  /** slots in the window; default 8 (a 2 s window) */
  readonly slots?: number;
}

export interface WindowStats {
  /** commands finished inside the window */
  readonly count: number;
  /** of those, the ones that failed for a reason load can cause (NOQUORUM, timeouts, I/O) */
  readonly failures: number;
  /** ns; 0 when count is 0 */
  readonly p99: number;
  readonly p999: number;
  /** the window's span in ms */
  readonly spanMs: number;
}

interface Slot {
  /** floor(t / slotNs) of the samples it holds; -1 = never used */
  epoch: number;
  readonly hist: LatencyHistogram;
  failures: number;
}

export class LatencyWindow {
  private readonly slotNs: number;
  private readonly ring: Slot[];
  readonly spanMs: number;

  constructor(opts: WindowOptions = {}) {
    const slotMs = opts.slotMs ?? 250;
    const slots = opts.slots ?? 8;
    if (!(slotMs > 0) || !(slots >= 1)) throw new RangeError('slotMs must be > 0 and slots >= 1');
    this.slotNs = slotMs * 1e6;
    this.spanMs = slotMs * slots;
    this.ring = Array.from({ length: slots }, () => ({ epoch: -1, hist: new LatencyHistogram(), failures: 0 }));
  }

  /** one command that finished at `nowNs` after `ns`; `failed` if it failed under load */
  record(nowNs: number, ns: number, failed: boolean): void {
    const epoch = Math.floor(nowNs / this.slotNs);
    const slot = this.ring[epoch % this.ring.length]!;
    if (slot.epoch !== epoch) {
      if (epoch < slot.epoch) return; // older than the window: a clock that went back
      slot.epoch = epoch;
      slot.hist.reset();
      slot.failures = 0;
    }
    slot.hist.record(ns);
    if (failed) slot.failures++;
  }

  stats(nowNs: number): WindowStats {
    const live = this.live(nowNs);
    let failures = 0;
    for (const s of live) failures += s.failures;
    const sum = new SumView(live.map((s) => s.hist));
    return { count: sum.total, failures, p99: valueAtPercentile(sum, 99), p999: valueAtPercentile(sum, 99.9), spanMs: this.spanMs };
  }

  reset(): void {
    for (const s of this.ring) {
      s.epoch = -1;
      s.hist.reset();
      s.failures = 0;
    }
  }

  /** the slots whose epoch is within the last `slots` epochs up to now */
  private live(nowNs: number): Slot[] {
    const epoch = Math.floor(nowNs / this.slotNs);
    return this.ring.filter((s) => s.epoch >= 0 && s.epoch <= epoch && s.epoch > epoch - this.ring.length);
  }
}

/** the bucket-wise sum of several histograms, read in place */
class SumView implements BucketCounts {
  readonly total: number;
  readonly maxIndex: number;

  constructor(private readonly parts: readonly BucketCounts[]) {
    let total = 0;
    let maxIndex = -1;
    for (const p of parts) {
      total += p.total;
      if (p.maxIndex > maxIndex) maxIndex = p.maxIndex;
    }
    this.total = total;
    this.maxIndex = maxIndex;
  }

  at(index: number): number {
    let n = 0;
    for (const p of this.parts) n += p.at(index);
    return n;
  }
}
