/**
 * Time as an injected dependency. Everything that needs the time or a timer takes a Clock;
 * SystemClock below is the only place in the code base that reads real time.
 */

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
