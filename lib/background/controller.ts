/**
 * The background controller's thin driver: every `tickMs` on the injected Clock it reads the
 * foreground latency window, runs the pure `decide`, and sets the shared budget's rate.
 * Background tasks draw from `budgetFor(name)` (hint delivery through `pacer()`).
 *
 * With `enabled: false` the decision loop does not run and the rate stays at `maxRate`:
 * background work is paced only by that fixed ceiling (the "controller off" baseline).
 */
import type { Logger } from 'pino';
import type { HandoffPacer } from '../handoff/pacer';
import type { WindowStats } from '../observability/latency-window';
import type { CancelTimer, Clock } from '../util/clock';
import { SharedBudget, type BackgroundBudget } from './budget';
import { decide, initialState, withDefaults, type ControllerParams, type ControllerState } from './decide';

/** where the controller reads foreground latency from (LatencyTracker) */
export interface LatencySource {
  windowStats(): WindowStats;
}

export interface BackgroundControllerOptions {
  /** `latency-target-ms` */
  readonly targetMs: number;
  /** ms between decisions; default 250 */
  readonly tickMs?: number;
  /** default true */
  readonly enabled?: boolean;
  /** overrides of the decision parameters (DEFAULT_PARAMS) */
  readonly params?: Partial<Omit<ControllerParams, 'targetMs'>>;
}

export class BackgroundController {
  readonly params: ControllerParams;
  readonly enabled: boolean;
  private readonly tickMs: number;
  private readonly shared: SharedBudget;
  private state: ControllerState;
  private lastTickAt: number | null = null;
  private timer: CancelTimer | null = null;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly latency: LatencySource,
    opts: BackgroundControllerOptions,
    private readonly log?: Logger,
  ) {
    this.params = withDefaults(opts.targetMs, opts.params);
    this.enabled = opts.enabled ?? true;
    this.tickMs = opts.tickMs ?? 250;
    this.state = initialState(this.params);
    const rate = this.enabled ? this.state.rate : this.params.maxRate;
    this.shared = new SharedBudget({ rate });
  }

  /** a named draw on the shared budget (anti-entropy, transfer, GC, ...) */
  budgetFor(task: string): BackgroundBudget {
    return this.shared.forTask(task);
  }

  /** hint delivery's pacer */
  pacer(): HandoffPacer {
    return this.budgetFor('handoff');
  }

  /** records/s background work may do now (maxRate when disabled) */
  rate(): number {
    return this.shared.currentRate();
  }

  snapshot(): ControllerState {
    return this.state;
  }

  start(): void {
    if (this.running || !this.enabled) return;
    this.running = true;
    this.lastTickAt = this.clock.now();
    const loop = (): void => {
      this.timer = null;
      if (!this.running) return;
      this.tick(this.clock.now());
      this.timer = this.clock.setTimer(this.tickMs, loop);
    };
    this.timer = this.clock.setTimer(this.tickMs, loop);
  }

  stop(): void {
    this.running = false;
    this.timer?.();
    this.timer = null;
  }

  /** one decision at `now` (what each timer tick runs; public for tests) */
  tick(now: number): ControllerState {
    const elapsed = this.lastTickAt === null ? this.tickMs : Math.max(1, now - this.lastTickAt);
    this.lastTickAt = now;
    const granted = (this.shared.currentRate() * elapsed) / 1000;
    const used = this.shared.drainSpent() / Math.max(granted, 1e-9);
    const w = this.latency.windowStats();
    const before = this.state;
    this.state = decide(before, { count: w.count, failures: w.failures, p99Ms: w.p99 / 1e6, p999Ms: w.p999 / 1e6, used }, now, this.params);
    this.shared.setRate(this.state.rate, now);
    if (this.state.lastDecision === 'down') {
      this.log?.debug({ rate: this.state.rate, p999Ms: this.state.lastP999Ms, failures: w.failures }, 'background budget cut');
    }
    return this.state;
  }

  /** the INFO `background` section */
  infoFields(): Array<[string, string | number]> {
    const s = this.state;
    const fields: Array<[string, string | number]> = [
      ['background_controller', this.enabled ? 'on' : 'off'],
      ['latency_target_ms', this.params.targetMs],
      ['background_budget_rps', Math.round(this.shared.currentRate())],
      ['background_min_rps', this.params.minRate],
      ['background_max_rps', this.params.maxRate],
      ['last_p99_ms', s.lastP99Ms.toFixed(3)],
      ['last_p999_ms', s.lastP999Ms.toFixed(3)],
      ['last_window_failures', s.lastFailures],
      ['last_decision', s.lastDecision],
      ['decisions_up', s.ups],
      ['decisions_down', s.downs],
      ['decisions_hold', s.holds],
    ];
    for (const [task, n] of this.shared.spentPerTask()) fields.push([`spent_${task}`, n]);
    return fields;
  }
}
