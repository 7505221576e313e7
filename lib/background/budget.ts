/**
 * The budget background work draws from: one token bucket, refilled at the rate the controller
 * sets, shared by every background task (handoff, anti-entropy, transfer, GC), so together they
 * never do more than the rate — in records (keys sent, compared or removed) per second.
 * Each task draws through its own named BackgroundBudget, so INFO can say who spent what.
 * Pure: time (ms) is a parameter.
 */
import type { HandoffPacer } from '../handoff/pacer';

/**
 * A background task's draw on the budget. Same shape as HandoffPacer (hint delivery takes it as
 * one), plus `take` for tasks that want a batch at once.
 */
export interface BackgroundBudget extends HandoffPacer {
  readonly name: string;
  /** records that may be done at `now` (may be 0) */
  budget(now: number): number;
  /** `count` records were done at `now` (may drive the bucket below zero: later calls wait) */
  spend(count: number, now: number): void;
  /** spends and returns up to `want` records at `now`; 0 when the budget is empty */
  take(want: number, now: number): number;
}

export interface SharedBudgetOptions {
  /** records/s at start */
  readonly rate: number;
  /** the bucket holds at most this many ms of the rate (and at least 1 record); default 100 */
  readonly burstMs?: number;
}

export class SharedBudget {
  private rate: number;
  private tokens: number;
  private last: number | null = null;
  private readonly burstMs: number;
  private readonly spentBy = new Map<string, number>();
  /** records spent since the last `drainSpent` */
  private spentSinceDrain = 0;

  constructor(opts: SharedBudgetOptions) {
    if (!(opts.rate > 0)) throw new RangeError('rate must be > 0');
    this.rate = opts.rate;
    this.burstMs = opts.burstMs ?? 100;
    this.tokens = this.burst();
  }

  currentRate(): number {
    return this.rate;
  }

  /** a new rate from `now` on (tokens accrued so far at the old rate are kept) */
  setRate(rate: number, now: number): void {
    if (!(rate > 0)) throw new RangeError('rate must be > 0');
    this.refill(now);
    this.rate = rate;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  available(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.tokens));
  }

  spend(name: string, count: number, now: number): void {
    this.refill(now);
    this.tokens -= count;
    this.spentSinceDrain += count;
    this.spentBy.set(name, (this.spentBy.get(name) ?? 0) + count);
  }

  /** records spent since the previous call (what the controller compares with what it granted) */
  drainSpent(): number {
    const n = this.spentSinceDrain;
    this.spentSinceDrain = 0;
    return n;
  }

  /** total records spent per task since start */
  spentPerTask(): Array<[string, number]> {
    return [...this.spentBy.entries()];
  }

  /** the named draw of one task */
  forTask(name: string): BackgroundBudget {
    if (!this.spentBy.has(name)) this.spentBy.set(name, 0);
    return {
      name,
      budget: (now) => this.available(now),
      spend: (count, now) => this.spend(name, count, now),
      take: (want, now) => {
        const n = Math.min(Math.max(0, Math.floor(want)), this.available(now));
        if (n > 0) this.spend(name, n, now);
        return n;
      },
    };
  }

  private burst(): number {
    return Math.max(1, (this.rate * this.burstMs) / 1000);
  }

  private refill(now: number): void {
    if (this.last !== null && now > this.last) this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = this.last === null ? now : Math.max(this.last, now);
  }
}
