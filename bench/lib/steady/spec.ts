// What the steady load does, as data (passed to the worker as JSON), and what it reports. Pure.

export interface SteadySpec {
  /** client ports; connections are spread over them round-robin */
  ports: readonly number[];
  connections: number;
  /** SETs per second, all connections together (open loop: sent when due, whatever is in flight) */
  ratePerSec: number;
  /** keys `${keyPrefix}${i}`, i uniform in 0..keys-1 */
  keys: number;
  keyPrefix: string;
  valueSize: number;
  seed: number;
  /** where the worker writes the request log (request-log.ts) when it stops */
  logPath: string;
  /** after `stop`, how long to wait for replies still in flight before logging them as NO_REPLY */
  drainMs: number;
}

export interface SteadySummary {
  sent: number;
  ok: number;
  errorReplies: number;
  connectionsLost: number;
  noReply: number;
  firstError?: string;
  /** the largest delay between a request's due time and its send (the generator's own lag) */
  maxSendLagMs: number;
  /** epoch ms of the first due request and of the stop command */
  startedMs: number;
  stoppedMs: number;
}

/** Control lines the parent writes to the worker's stdin. */
export function rateCommand(ratePerSec: number): string {
  return `rate ${ratePerSec}\n`;
}

export const STOP_COMMAND = 'stop\n';

/** The worker's first stdout line once every connection is open: `ready <epoch ms>`. */
export const READY_PREFIX = 'ready ';

/** Epoch ms with sub-millisecond fractions, comparable between processes on one machine. */
export function epochMs(timeOrigin: number, now: number): number {
  return timeOrigin + now;
}
