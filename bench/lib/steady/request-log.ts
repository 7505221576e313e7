// The steady load's per-request log: when each request was due, how long it took, how it ended
// and which node it went to. Pure. The worker writes it as a flat Float64Array (FIELDS numbers per
// request) to a file; the parent decodes it and cuts it into time windows (latency-windows.ts).

/** how a request ended */
export const OK = 0;
/** the server answered with an error reply (-ERR, -NOQUORUM, ...) */
export const ERROR_REPLY = 1;
/** the connection failed or closed with the request in flight */
export const CONNECTION_LOST = 2;
/** still unanswered when the load stopped (and its grace period ran out) */
export const NO_REPLY = 3;

export type RequestStatus = typeof OK | typeof ERROR_REPLY | typeof CONNECTION_LOST | typeof NO_REPLY;

/** numbers per request in the encoded log: start, latency, status, node */
export const FIELDS = 4;

export interface RequestLog {
  readonly length: number;
  /** when the request was due (open loop: its scheduled time, epoch ms with fractions) */
  readonly startMs: Float64Array;
  /** reply (or failure) time minus startMs */
  readonly latencyMs: Float64Array;
  readonly status: Uint8Array;
  /** index of the port (node) the request went to, in the load's port list */
  readonly node: Uint8Array;
}

export function encodeLog(entries: Float64Array, count: number): Buffer {
  return Buffer.from(entries.buffer, entries.byteOffset, count * FIELDS * 8);
}

export function decodeLog(bytes: Buffer): RequestLog {
  const length = Math.floor(bytes.length / (FIELDS * 8));
  const flat = new Float64Array(length * FIELDS);
  // copy: the Buffer may not be 8-byte aligned
  for (let i = 0; i < flat.length; i++) flat[i] = bytes.readDoubleLE(i * 8);
  return fromFlat(flat, length);
}

/** A RequestLog over `length` requests stored FIELDS numbers each in `flat`. */
export function fromFlat(flat: Float64Array, length: number): RequestLog {
  const log = {
    length,
    startMs: new Float64Array(length),
    latencyMs: new Float64Array(length),
    status: new Uint8Array(length),
    node: new Uint8Array(length),
  };
  for (let i = 0; i < length; i++) {
    log.startMs[i] = flat[i * FIELDS];
    log.latencyMs[i] = flat[i * FIELDS + 1];
    log.status[i] = flat[i * FIELDS + 2];
    log.node[i] = flat[i * FIELDS + 3];
  }
  return log;
}
