/**
 * A Clock whose time moves only when a test says so. Timers run in due-time order (ties in
 * the order they were set). The async stepping methods let promise chains settle between
 * timers, so a handler that answers in a `.then` gets its reply scheduled before the clock
 * moves past it; that keeps in-memory cluster runs exact.
 */
import type { CancelTimer, Clock } from './clock';

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Thrown by runUntilIdle when timers keep coming (e.g. a periodic task). */
export class ClockNotIdleError extends Error {
  readonly code = 'CLOCK_NOT_IDLE';
}

/** Lets every queued microtask (promise continuation) run. */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    const timer: Timer = { due: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    // Insert keeping (due, seq) order; new timers usually go near the end.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.due > timer.due) i--;
    this.timers.splice(i, 0, timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Number of timers still waiting (cancelled ones excluded). */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move time forward by `ms`, running every timer that falls due, without settling promises. */
  advanceSync(ms: number): void {
    const target = this.time + Math.max(0, ms);
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) this.fire(t);
    this.time = target;
  }

  /** Move time forward by `ms`, running due timers in order and settling promises around each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + Math.max(0, ms);
    await settleMicrotasks();
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) {
      this.fire(t);
      await settleMicrotasks();
    }
    this.time = target;
  }

  /** Run timers (jumping time to each) until none is left; throws after `maxTimers`. */
  async runUntilIdle(maxTimers = 1_000_000): Promise<void> {
    await settleMicrotasks();
    for (let fired = 0; ; fired++) {
      const t = this.nextDue(Infinity);
      if (!t) return;
      if (fired >= maxTimers) throw new ClockNotIdleError(`still busy after ${maxTimers} timers`);
      this.fire(t);
      await settleMicrotasks();
    }
  }

  private nextDue(limit: number): Timer | undefined {
    while (this.timers.length > 0 && this.timers[0]!.cancelled) this.timers.shift();
    const first = this.timers[0];
    return first && first.due <= limit ? first : undefined;
  }

  private fire(timer: Timer): void {
    this.timers.shift();
    this.time = Math.max(this.time, timer.due);
    timer.fn();
  }
}
