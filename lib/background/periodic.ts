/**
 * A background task run every `intervalMs` on the injected Clock, one run at a time: the next run
 * is scheduled when the previous one settles. `stop()` cancels the next run and waits for the one
 * under way. Errors of a run are passed to `onError` and never end the schedule.
 */
import type { CancelTimer, Clock } from '../util/clock';

export class PeriodicTask {
  private active = false;
  private halted = false;
  private timer: CancelTimer | null = null;
  private current: Promise<unknown> | null = null;

  constructor(
    private readonly clock: Clock,
    private intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** runs are scheduled */
  get running(): boolean {
    return this.active;
  }

  /** stop() was called (and start() not since): work under way should wind down */
  get stopped(): boolean {
    return this.halted;
  }

  /** (re)starts the schedule, with a new interval when given; the first run is one interval away */
  start(intervalMs = this.intervalMs): void {
    if (!(intervalMs > 0)) throw new RangeError('intervalMs must be > 0');
    this.intervalMs = intervalMs;
    this.active = true;
    this.halted = false;
    this.timer?.();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.halted = true;
    this.timer?.();
    this.timer = null;
    await this.current?.catch(() => undefined);
  }

  private schedule(): void {
    if (!this.active) return;
    this.timer = this.clock.setTimer(this.intervalMs, () => {
      this.timer = null;
      this.current = this.run()
        .catch((err: unknown) => this.onError(err))
        .finally(() => {
          this.current = null;
          this.schedule();
        });
    });
  }
}
