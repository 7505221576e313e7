/**
 * Waiting for the background budget: a task that wants to do up to `want` records of work waits
 * (on the injected Clock) until its budget has at least one record, and is granted what is there,
 * at most `want`. Batching tasks (anti-entropy, tombstone GC) then do a batch of that size, so a
 * task drawing 64 records at a time does not run the shared budget into debt and starve one that
 * draws one at a time (hint delivery): each gets records as they accrue.
 */
import type { Clock } from '../util/clock';

/** what a task draws from (a BackgroundBudget, or a test's stand-in) */
export interface BudgetSource {
  budget(now: number): number;
  spend(count: number, now: number): void;
}

/** the records granted and spent, 1..want (`want` at once without a budget); 0 if `stopped()` first */
export async function drawBudget(budget: BudgetSource | undefined, clock: Clock, want: number, stopped: () => boolean, pauseMs = 20): Promise<number> {
  for (;;) {
    if (stopped()) return 0;
    if (budget === undefined) return want;
    const now = clock.now();
    const available = Math.floor(budget.budget(now));
    if (available >= 1) {
      const n = Math.min(want, available);
      budget.spend(n, now);
      return n;
    }
    await new Promise<void>((resolve) => clock.setTimer(pauseMs, resolve));
  }
}
