// Cuts a steady load's request log (steady/request-log.ts) into time windows: percentiles of the
// requests that started in a window, and the route-around time after a node stopped. Pure.

import { OK, type RequestLog } from './steady/request-log';

export interface WindowStats {
  /** requests that started in the window */
  requests: number;
  /** of those, how many failed (error reply, lost connection, no reply) */
  failed: number;
  /** requests per second over the window's length */
  ratePerSec: number;
  /** latency percentiles (nearest rank) over every request of the window, failed ones included */
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** The requests that started in [fromMs, toMs). Percentiles are NaN for an empty window. */
export function windowStats(log: RequestLog, fromMs: number, toMs: number): WindowStats {
  const latencies: number[] = [];
  let failed = 0;
  for (let i = 0; i < log.length; i++) {
    const start = log.startMs[i];
    if (start < fromMs || start >= toMs) continue;
    latencies.push(log.latencyMs[i]);
    if (log.status[i] !== OK) failed++;
  }
  latencies.sort((a, b) => a - b);
  const seconds = (toMs - fromMs) / 1000;
  return {
    requests: latencies.length,
    failed,
    ratePerSec: seconds > 0 ? latencies.length / seconds : NaN,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    p999Ms: percentile(latencies, 0.999),
    maxMs: latencies.length === 0 ? NaN : latencies[latencies.length - 1],
  };
}

/** Nearest-rank percentile of ascending `sorted` (q in 0..1); NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** Consecutive windows of `stepMs` from `fromMs` up to `toMs` (the last may be shorter). */
export function timeline(log: RequestLog, fromMs: number, toMs: number, stepMs: number): Array<WindowStats & { fromMs: number }> {
  if (!(stepMs > 0)) throw new RangeError('stepMs must be positive');
  const rows: Array<WindowStats & { fromMs: number }> = [];
  for (let from = fromMs; from < toMs; from += stepMs) rows.push({ fromMs: from, ...windowStats(log, from, Math.min(toMs, from + stepMs)) });
  return rows;
}

export interface RouteAround {
  /** a request slower than this counts as not routed around */
  thresholdMs: number;
  /** from the stop to the end (start + latency) of the last slow request that started in
   *  [stopMs, untilMs); 0 when none was slow */
  routeAroundMs: number;
  /** requests that started in [stopMs, untilMs) and were slower than the threshold */
  slow: number;
  /** requests that started in [stopMs, untilMs) and failed, however fast */
  failed: number;
  /** requests that started in [stopMs, untilMs) */
  requests: number;
}

/** The threshold of the route-around measure: max(5 × the quiet p99.9, 50 ms). */
export function slowThresholdMs(quietP999Ms: number): number {
  return Math.max(5 * quietP999Ms, 50);
}

/** How long after `stopMs` requests kept being slow (see RouteAround). */
export function routeAround(log: RequestLog, stopMs: number, untilMs: number, thresholdMs: number): RouteAround {
  let lastEnd = stopMs;
  let slow = 0;
  let failed = 0;
  let requests = 0;
  for (let i = 0; i < log.length; i++) {
    const start = log.startMs[i];
    if (start < stopMs || start >= untilMs) continue;
    requests++;
    if (log.status[i] !== OK) failed++;
    if (log.latencyMs[i] > thresholdMs) {
      slow++;
      lastEnd = Math.max(lastEnd, start + log.latencyMs[i]);
    }
  }
  return { thresholdMs, routeAroundMs: lastEnd - stopMs, slow, failed, requests };
}
