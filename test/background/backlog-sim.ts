/**
 * A synthetic node for the controller: a steady client load whose latency grows with the rate
 * of background work (a queueing model: service time / (1 − utilisation)), and a hint backlog
 * drained record by record through the controller's pacer, as HintDelivery does. Time is a
 * ManualClock stepped 1 ms at a time; randomness is seeded. Real LatencyTracker, window,
 * controller and budget; only the node's latency is a model.
 */
import { BackgroundController } from '../../lib/background/controller';
import { LatencyTracker } from '../../lib/observability/latency';
import { ManualClock } from '../../lib/util/manual-clock';
import { mulberry32 } from '../../lib/util/rng';

export interface SimOptions {
  readonly controller: boolean;
  readonly hints: number;
  readonly durationMs: number;
  readonly targetMs: number;
  /** client commands per ms */
  readonly clientOpsPerMs: number;
  /** base service latency (ms) at a given time: a rising client load raises it */
  readonly baseMs: (t: number) => number;
  /** background records per second that saturate the node */
  readonly capacity: number;
  readonly seed?: number;
}

export interface SimResult {
  /** exact p99.9 (ms) of the client commands between two times */
  p999Ms(fromMs: number, toMs: number): number;
  /** mean granted rate (records/s) between two times */
  meanRate(fromMs: number, toMs: number): number;
  /** when the backlog was empty; null if never */
  drainedAt: number | null;
  hintsLeft: number;
  controller: BackgroundController;
}

export function runBacklogSim(o: SimOptions): SimResult {
  const clock = new ManualClock(0);
  const rng = mulberry32(o.seed ?? 7);
  const tracker = new LatencyTracker(() => clock.now() * 1e6);
  const controller = new BackgroundController(clock, tracker, { targetMs: o.targetMs, enabled: o.controller });
  const pacer = controller.pacer();
  /** every client command's latency (ms), o.clientOpsPerMs per ms of simulated time */
  const client = new Float64Array(o.durationMs * o.clientOpsPerMs);
  const rates: number[] = [];
  const recent = new Array<number>(100).fill(0); // background records done in each of the last 100 ms
  let recentSum = 0;
  let left = o.hints;
  let drainedAt: number | null = null;
  let capacityLeft = 0;
  controller.start();
  for (let t = 0; t < o.durationMs; t++) {
    clock.advanceSync(1);
    // background: as many records as the budget allows this ms (HintDelivery asks one at a time)
    // the node cannot do more than `capacity` records/s whatever the budget says
    let done = 0;
    capacityLeft = Math.min(capacityLeft + o.capacity / 1000, Math.max(1, o.capacity / 1000));
    while (left > 0 && capacityLeft >= 1 && pacer.budget(t) >= 1) {
      capacityLeft--;
      pacer.spend(1, t);
      left--;
      done++;
    }
    if (left === 0 && drainedAt === null) drainedAt = t;
    recentSum += done - recent[t % 100]!;
    recent[t % 100] = done;
    // foreground: latency from the background rate of the last 100 ms
    const u = Math.min(0.95, (recentSum * 10) / o.capacity);
    for (let i = 0; i < o.clientOpsPerMs; i++) {
      const x = rng();
      const tail = x > 0.999 ? 4 : x > 0.99 ? 2.5 : 1 + x;
      const ns = ((o.baseMs(t) * tail) / (1 - u)) * 1e6;
      tracker.finish('get', clock.now() * 1e6 - ns, 'OK');
      client[t * o.clientOpsPerMs + i] = ns / 1e6;
    }
    rates[t] = controller.rate();
  }
  controller.stop();
  return {
    p999Ms(fromMs, toMs) {
      const xs = client.slice(fromMs * o.clientOpsPerMs, toMs * o.clientOpsPerMs).sort();
      return xs[Math.min(xs.length - 1, Math.ceil(xs.length * 0.999) - 1)]!;
    },
    meanRate(fromMs, toMs) {
      let sum = 0;
      for (let t = fromMs; t < toMs; t++) sum += rates[t]!;
      return sum / (toMs - fromMs);
    },
    drainedAt,
    hintsLeft: left,
    controller,
  };
}
