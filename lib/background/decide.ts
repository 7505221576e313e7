/**
 * The background controller's decision, a pure function (AIMD, as TCP's congestion window):
 * every tick it sees the foreground's p99.9 over a sliding window and the failures in it, and
 * - cuts the background rate multiplicatively when p99.9 is above the target or commands fail
 *   under load — at most once per `cooldownMs`, because the window still holds the latencies of
 *   before the cut for a while; until then it holds;
 * - grows it additively while p99.9 is under `growBelow` × target and background work used
 *   at least `growWhenUsed` of what it was granted (an idle budget does not creep up to the max);
 *   the step shrinks with the headroom left (full step with no latency, a tenth of it just under
 *   the band), because latency climbs ever faster as a node nears saturation;
 * - holds otherwise. Always within [minRate, maxRate]. No clock: `now` is a parameter.
 */

export interface ControllerParams {
  /** `latency-target-ms`: the foreground p99.9 background work must not push latency past */
  readonly targetMs: number;
  /** records/s background work always gets, so it finishes eventually (11,000 hints on four nodes in ~14 s); default 200 */
  readonly minRate: number;
  /** default 10,000 */
  readonly maxRate: number;
  /** records/s at start; default 500 */
  readonly initialRate: number;
  /** records/s added per tick with no foreground latency (scaled down by the headroom left); default 50 */
  readonly increase: number;
  /** factor applied on a cut; default 0.5 */
  readonly decrease: number;
  /** grow only while p99.9 < growBelow × target (a band to hold in); default 0.9 */
  readonly growBelow: number;
  /** grow only when at least this fraction of the granted budget was used; default 0.5 */
  readonly growWhenUsed: number;
  /** ms between two cuts; default 2000 (the window's span) */
  readonly cooldownMs: number;
  /** failures in the window tolerated before it counts as overload; default 0 */
  readonly failureAllowance: number;
}

export const DEFAULT_PARAMS: Omit<ControllerParams, 'targetMs'> = {
  minRate: 200,
  maxRate: 10_000,
  initialRate: 500,
  increase: 50,
  decrease: 0.5,
  growBelow: 0.9,
  growWhenUsed: 0.5,
  cooldownMs: 2000,
  failureAllowance: 0,
};

/** what the controller saw this tick */
export interface Observation {
  /** foreground commands in the window (0: no foreground load, nothing to protect) */
  readonly count: number;
  readonly failures: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** spent / granted since the previous tick, in [0, ∞) */
  readonly used: number;
}

export type Decision = 'up' | 'down' | 'hold';

export interface ControllerState {
  /** records/s granted to background work */
  readonly rate: number;
  readonly lastDecision: Decision;
  readonly lastP99Ms: number;
  readonly lastP999Ms: number;
  readonly lastFailures: number;
  /** when the last cut happened; null = never */
  readonly lastCutAt: number | null;
  readonly ups: number;
  readonly downs: number;
  readonly holds: number;
}

export function initialState(p: ControllerParams): ControllerState {
  return {
    rate: clamp(p.initialRate, p),
    lastDecision: 'hold',
    lastP99Ms: 0,
    lastP999Ms: 0,
    lastFailures: 0,
    lastCutAt: null,
    ups: 0,
    downs: 0,
    holds: 0,
  };
}

export function withDefaults(targetMs: number, over: Partial<ControllerParams> = {}): ControllerParams {
  const p: ControllerParams = { ...DEFAULT_PARAMS, targetMs, ...over };
  if (!(p.targetMs > 0)) throw new RangeError('targetMs must be > 0');
  if (!(p.minRate > 0) || !(p.maxRate >= p.minRate)) throw new RangeError('need 0 < minRate <= maxRate');
  if (!(p.decrease > 0 && p.decrease < 1)) throw new RangeError('decrease must be in (0, 1)');
  if (!(p.increase > 0)) throw new RangeError('increase must be > 0');
  return p;
}

/** one tick: the next state from the last one and what was observed at `now` (ms) */
export function decide(s: ControllerState, o: Observation, now: number, p: ControllerParams): ControllerState {
  const seen = { lastP99Ms: o.p99Ms, lastP999Ms: o.p999Ms, lastFailures: o.failures };
  const loaded = o.count > 0;
  const over = loaded && (o.p999Ms > p.targetMs || o.failures > p.failureAllowance);
  if (over) {
    const cooled = s.lastCutAt === null || now - s.lastCutAt >= p.cooldownMs;
    if (cooled && s.rate > p.minRate) {
      return { ...s, ...seen, rate: clamp(s.rate * p.decrease, p), lastDecision: 'down', lastCutAt: now, downs: s.downs + 1 };
    }
    return { ...s, ...seen, lastDecision: 'hold', holds: s.holds + 1 };
  }
  const band = p.growBelow * p.targetMs;
  const under = !loaded || o.p999Ms < band;
  if (under && o.used >= p.growWhenUsed && s.rate < p.maxRate) {
    const headroom = loaded ? Math.max(0.1, 1 - o.p999Ms / band) : 1;
    return { ...s, ...seen, rate: clamp(s.rate + p.increase * headroom, p), lastDecision: 'up', ups: s.ups + 1 };
  }
  return { ...s, ...seen, lastDecision: 'hold', holds: s.holds + 1 };
}

function clamp(rate: number, p: ControllerParams): number {
  return Math.min(p.maxRate, Math.max(p.minRate, rate));
}
