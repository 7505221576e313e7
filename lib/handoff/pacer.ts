/**
 * Pacing of handoff: the delivery asks `budget(now)` how many records it may send now and
 * `spend`s what it sends. FixedRatePacer is a token bucket at a fixed rate; the background
 * controller (a later issue) can stand in with its own HandoffPacer. Pure: time is a parameter.
 */

export interface HandoffPacer {
  /** records that may be sent at `now` (may be 0) */
  budget(now: number): number;
  /** `count` records were sent at `now` */
  spend(count: number, now: number): void;
}

export class FixedRatePacer implements HandoffPacer {
  private tokens: number;
  private last: number | null = null;

  constructor(
    /** records per second */
    private readonly rate: number,
    /** most records sent at once after a pause */
    private readonly burst: number,
  ) {
    if (!(rate > 0) || !(burst >= 1)) throw new RangeError('rate must be > 0 and burst >= 1');
    this.tokens = burst;
  }

  budget(now: number): number {
    if (this.last !== null && now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = this.last === null ? now : Math.max(this.last, now);
    return Math.floor(this.tokens);
  }

  spend(count: number, now: number): void {
    this.budget(now);
    this.tokens -= count;
  }
}
