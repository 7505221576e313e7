/**
 * Bodies of the coordinator's peer messages (msgpack via msgpackr; records inside them use the
 * record codec). Every field is validated on receipt before anything touches state.
 */
import { Packr } from 'msgpackr';
import type { NewVersion, Payload } from '../versioning/types';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'string' });

export class MessageError extends Error {
  readonly code = 'BAD_MESSAGE';
}

export function pack(obj: object): Buffer {
  return packr.pack(obj);
}

export function unpackObject(body: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = packr.unpack(body);
  } catch (err) {
    throw new MessageError(`undecodable message: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MessageError('message is not a map');
  return v as Record<string, unknown>;
}

export function buf(o: Record<string, unknown>, f: string): Buffer {
  const v = o[f];
  if (!(v instanceof Uint8Array)) throw new MessageError(`field '${f}' must be bytes`);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function optBuf(o: Record<string, unknown>, f: string): Buffer | null {
  return o[f] === undefined || o[f] === null ? null : buf(o, f);
}

export function int(o: Record<string, unknown>, f: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = o[f];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new MessageError(`field '${f}' must be an integer in [${min}, ${max}]`);
  return v;
}

export function optInt(o: Record<string, unknown>, f: string, min?: number, max?: number): number | null {
  return o[f] === undefined || o[f] === null ? null : int(o, f, min, max);
}

export function str(o: Record<string, unknown>, f: string, maxLen = 255): string {
  const v = o[f];
  if (typeof v !== 'string' || v.length > maxLen) throw new MessageError(`field '${f}' must be a string of at most ${maxLen} chars`);
  return v;
}

export function optStr(o: Record<string, unknown>, f: string, maxLen = 255): string | null {
  return o[f] === undefined || o[f] === null ? null : str(o, f, maxLen);
}

export function bool(o: Record<string, unknown>, f: string): boolean {
  return o[f] === true;
}

/** a NewVersion (forwarded writes) as plain msgpack fields */
export function packVersion(v: NewVersion): object {
  const p = v.payload;
  const payload =
    p.kind === 'bytes'
      ? { k: 'b', d: p.data }
      : p.kind === 'tombstone'
        ? { k: 't' }
        : { k: 'c', i: [...p.inc].map(([n, x]) => [n, x.toString()]), n: [...p.dec].map(([n, x]) => [n, x.toString()]) };
  return { p: payload, ts: v.ts, x: v.expireAt };
}

export function unpackVersion(o: Record<string, unknown>): NewVersion {
  const p = o.p as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null) throw new MessageError("field 'p' must be a map");
  const ts = typeof o.ts === 'number' && Number.isFinite(o.ts) ? o.ts : NaN;
  if (Number.isNaN(ts)) throw new MessageError("field 'ts' must be a number");
  const expireAt = o.x === null || o.x === undefined ? null : typeof o.x === 'number' && Number.isFinite(o.x) ? o.x : NaN;
  if (Number.isNaN(expireAt)) throw new MessageError("field 'x' must be a number or nil");
  let payload: Payload;
  if (p.k === 'b') payload = { kind: 'bytes', data: Buffer.from(buf(p, 'd')) };
  else if (p.k === 't') payload = { kind: 'tombstone' };
  else if (p.k === 'c') payload = { kind: 'counter', inc: counterMap(p.i), dec: counterMap(p.n) };
  else throw new MessageError('unknown payload kind');
  return { payload, ts, expireAt };
}

function counterMap(v: unknown): Map<string, bigint> {
  if (!Array.isArray(v)) throw new MessageError('counter map must be an array');
  const m = new Map<string, bigint>();
  for (const e of v) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'string' || !/^-?[0-9]{1,40}$/.test(e[1])) {
      throw new MessageError('bad counter entry');
    }
    m.set(e[0], BigInt(e[1]));
  }
  return m;
}
