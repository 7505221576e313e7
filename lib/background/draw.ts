/**
 * Waiting for the background budget: a task that wants to do `count` records of work waits (on
 * the injected Clock) until its budget has at least one record, then spends `count`. Shared by
 * the background tasks that draw in batches (anti-entropy, tombstone GC).
 */
import type { Clock } from '../util/clock';

/** what a task draws from (a BackgroundBudget, or a test's stand-in) */
export interface BudgetSource {
  budget(now: number): number;
  spend(count: number, now: number): void;
}

/** true once `count` was spent (at once without a budget); false if `stopped()` first */
export async function drawBudget(budget: BudgetSource | undefined, clock: Clock, count: number, stopped: () => boolean, pauseMs = 20): Promise<boolean> {
  for (;;) {
    if (stopped()) return false;
    if (budget === undefined) return true;
    const now = clock.now();
    if (budget.budget(now) >= 1) {
      budget.spend(count, now);
      return true;
    }
    await new Promise<void>((resolve) => clock.setTimer(pauseMs, resolve));
  }
}
