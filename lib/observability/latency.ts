/**
 * Command latency: one histogram per command (by its full name, `config|get` style) for
 * `INFO latencystats`, and one sliding window over all of them for the background controller.
 * The Dispatcher calls `start()` when a command starts and `finish()` when its reply settled:
 * one clock read each, and no allocation once a command's histogram exists.
 *
 * The clock is injected (`nowNs`, monotonic nanoseconds); lib/util/clock.ts has the real one.
 */
import { ErrorReply, type Reply } from '../resp/reply';
import { LatencyHistogram } from './latency-histogram';
import { LatencyWindow, type WindowOptions, type WindowStats } from './latency-window';

export const DEFAULT_PERCENTILES: readonly number[] = [50, 99, 99.9];

/** error codes that say the node or cluster is struggling, not that the request was bad */
const LOAD_FAILURE_CODES = new Set(['NOQUORUM', 'IOERR', 'TRYAGAIN', 'CLUSTERDOWN', 'TIMEOUT', 'BUSY', 'LOADING']);

/** whether an error reply counts as a failure for the background controller */
export function isLoadFailure(reply: ErrorReply): boolean {
  const sp = reply.message.indexOf(' ');
  return LOAD_FAILURE_CODES.has(sp > 0 ? reply.message.slice(0, sp) : reply.message);
}

/** one command's calls and latency percentiles (for the Prometheus exporter) */
export interface CommandLatency {
  readonly command: string;
  readonly calls: number;
  /** [percentile (0-100), seconds] */
  readonly quantiles: ReadonlyArray<readonly [number, number]>;
}

export interface LatencyTrackerOptions {
  readonly window?: WindowOptions;
  /** `latency-tracking-info-percentiles`; default 50 99 99.9 */
  readonly percentiles?: readonly number[];
}

export class LatencyTracker {
  private readonly perCommand = new Map<string, LatencyHistogram>();
  readonly window: LatencyWindow;
  readonly percentiles: readonly number[];

  constructor(
    private readonly nowNs: () => number,
    opts: LatencyTrackerOptions = {},
  ) {
    this.window = new LatencyWindow(opts.window);
    this.percentiles = opts.percentiles ?? DEFAULT_PERCENTILES;
  }

  /** the start timestamp of a command (ns) */
  start(): number {
    return this.nowNs();
  }

  /**
   * `name` started at `start` and settled with `reply` (returned, so the caller can pass it on).
   * A successful CONFIG RESETSTAT clears every histogram first, as in Redis.
   */
  finish(name: string, start: number, reply: Reply): Reply {
    const now = this.nowNs();
    const ns = now - start;
    const isError = reply instanceof ErrorReply;
    if (name === 'config|resetstat' && !isError) this.reset();
    let h = this.perCommand.get(name);
    if (h === undefined) {
      h = new LatencyHistogram();
      this.perCommand.set(name, h);
    }
    h.record(ns);
    this.window.record(now, ns, isError && isLoadFailure(reply));
    return reply;
  }

  /** the controller's view: the sliding window up to now */
  windowStats(): WindowStats {
    return this.window.stats(this.nowNs());
  }

  /** ns at percentile `p` of one command; undefined if it never ran since the last reset */
  commandPercentile(name: string, p: number): number | undefined {
    const h = this.perCommand.get(name);
    return h && h.total > 0 ? h.valueAtPercentile(p) : undefined;
  }

  /** CONFIG RESETSTAT: clears the per-command histograms (the window ages out by itself) */
  reset(): void {
    for (const h of this.perCommand.values()) h.reset();
  }

  /** each measured command's calls and percentiles in seconds (for the Prometheus exporter) */
  commandLatencies(percentiles: readonly number[] = this.percentiles): CommandLatency[] {
    const out: CommandLatency[] = [];
    for (const [command, h] of this.perCommand) {
      if (h.total === 0) continue;
      out.push({ command, calls: h.total, quantiles: percentiles.map((p) => [p, h.valueAtPercentile(p) / 1e9] as const) });
    }
    return out;
  }

  /** the INFO `latencystats` fields, Redis 7's format: `latency_percentiles_usec_get` → `p50=1.003,...` */
  infoFields(percentiles: readonly number[] = this.percentiles): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [name, h] of this.perCommand) {
      if (h.total === 0) continue;
      out.push([`latency_percentiles_usec_${name}`, formatPercentiles(h, percentiles)]);
    }
    return out;
  }
}

/** `p50=1.003,p99=4.015,p99.9=4.015`: labels as Redis's "%f" with trailing zeros cut, values µs "%.3f" */
export function formatPercentiles(h: LatencyHistogram, percentiles: readonly number[]): string {
  return percentiles.map((p) => `p${percentileLabel(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`).join(',');
}

function percentileLabel(p: number): string {
  return String(Number(p.toFixed(6)));
}
