// The open-loop schedule of the steady load: request i is due at a fixed rate, which may change
// mid-run (each change starts a new segment at the time it was made). Pure: times are passed in.

export class OpenLoopSchedule {
  private segmentStartMs: number;
  private segmentFirst = 0;
  private rate: number;
  /** requests handed out so far */
  issued = 0;

  constructor(startMs: number, ratePerSec: number) {
    if (!(ratePerSec > 0)) throw new RangeError('rate must be positive');
    this.segmentStartMs = startMs;
    this.rate = ratePerSec;
  }

  get ratePerSec(): number {
    return this.rate;
  }

  /** From `nowMs` on, requests are due at `ratePerSec`. */
  setRate(nowMs: number, ratePerSec: number): void {
    if (!(ratePerSec > 0)) throw new RangeError('rate must be positive');
    this.segmentStartMs = Math.max(nowMs, this.dueAt(this.issued));
    this.segmentFirst = this.issued;
    this.rate = ratePerSec;
  }

  /** when request `i` (i >= the current segment's first) is due */
  dueAt(i: number): number {
    return this.segmentStartMs + ((i - this.segmentFirst) * 1000) / this.rate;
  }

  /** The due times of every request due by `nowMs` not handed out yet; marks them handed out. */
  take(nowMs: number): number[] {
    const due: number[] = [];
    while (this.dueAt(this.issued) <= nowMs) due.push(this.dueAt(this.issued++));
    return due;
  }
}
