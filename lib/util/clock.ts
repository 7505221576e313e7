/**
 * Time as an injected dependency. Everything that needs the time or a timer takes a Clock;
 * SystemClock and monotonicNs below are the only places in the code base that read real time.
 */

import { performance } from 'node:perf_hooks';

/** Cancels a timer; calling it after the timer fired, or twice, does nothing. */
export type CancelTimer = () => void;

export interface Clock {
  /** milliseconds since the unix epoch (wall clock) */
  now(): number;
  /** run `fn` once, `ms` from now; returns a function that cancels it */
  setTimer(ms: number, fn: () => void): CancelTimer;
}

/** Real time: Date.now and setTimeout. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    const handle = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(handle);
  }
}

/** One shared instance: SystemClock holds no state. */
export const systemClock: Clock = new SystemClock();

/**
 * Monotonic nanoseconds for latency measurement, from performance.now() (a double, so reading it
 * allocates nothing, unlike process.hrtime.bigint()).
 */
export function monotonicNs(): number {
  return performance.now() * 1e6;
}
