/**
 * Decoding the binary record form written by encodeRecord (record-codec.ts has the layout).
 * Strict: anything encodeRecord could not have produced is VersioningError('BAD_RECORD'); random
 * bytes never throw anything else. Payload bytes are copied out, so the input buffer may be reused.
 */
import { readNodeId } from './node-id-codec';
import {
  F_EXP_NEG,
  F_EXPIRE,
  F_KIND,
  F_KNOWN,
  F_TS_NEG,
  KIND_BYTES,
  KIND_COUNTER,
  KIND_TOMBSTONE,
  MAX_BIGINT_BYTES,
  RECORD_FORMAT_VERSION,
} from './record-format';
import type { Dot, NodeId, Payload, Sibling, VRecord } from './types';
import { Reader } from './varint';
import { compareDots, compareNodes } from './vv';

const TOMBSTONE: Payload = { kind: 'tombstone' };
/** smallest sibling: index, counter, flags, ts */
const MIN_SIBLING_BYTES = 4;

/** The node table and which of its entries something refers to (all must be, as when encoded). */
interface Table {
  readonly names: NodeId[];
  readonly used: boolean[];
}

function readIndex(r: Reader, table: Table): number {
  const idx = r.varint();
  if (idx >= table.names.length) r.fail(`node index ${idx} outside the table`);
  table.used[idx] = true;
  return idx;
}

function readSigned(r: Reader, negative: boolean): number {
  const n = r.varint();
  if (!negative) return n;
  if (n === 0) r.fail('negative zero');
  return -n;
}

function readCounterMap(r: Reader, table: Table): Map<NodeId, bigint> {
  const n = r.count(2);
  const m = new Map<NodeId, bigint>();
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const idx = readIndex(r, table);
    if (idx <= prev) r.fail('counter map not in canonical order');
    const v = r.bigVarint(MAX_BIGINT_BYTES);
    if (v === 0n) r.fail('zero counter total');
    m.set(table.names[idx]!, v);
    prev = idx;
  }
  return m;
}

function readPayload(r: Reader, kind: number, table: Table): Payload {
  if (kind === KIND_BYTES) {
    const len = r.varint();
    if (len > r.remaining) r.fail('truncated');
    const data = Buffer.allocUnsafe(len);
    r.buf.copy(data, 0, r.pos, r.pos + len);
    r.pos += len;
    return { kind: 'bytes', data };
  }
  if (kind === KIND_TOMBSTONE) return TOMBSTONE;
  if (kind === KIND_COUNTER) {
    const inc = readCounterMap(r, table);
    const dec = readCounterMap(r, table);
    return { kind: 'counter', inc, dec };
  }
  return r.fail(`unknown payload kind ${kind}`);
}

/** Parse a record; throws VersioningError('BAD_RECORD') on corrupt or unknown input. */
export function decodeRecord(buf: Buffer): VRecord {
  const r = new Reader(buf, 'BAD_RECORD');
  const version = r.byte();
  if (version !== RECORD_FORMAT_VERSION) r.fail(`unknown record format ${version}`);

  const t = r.count(2);
  const names: NodeId[] = new Array<NodeId>(t);
  for (let i = 0; i < t; i++) {
    const node = readNodeId(r);
    if (i > 0 && compareNodes(names[i - 1]!, node) >= 0) r.fail('node table not in canonical order');
    names[i] = node;
  }
  const table: Table = { names, used: new Array<boolean>(t).fill(false) };

  const v = r.count(2);
  const vv = new Map<NodeId, number>();
  let prev = -1;
  for (let i = 0; i < v; i++) {
    const idx = readIndex(r, table);
    if (idx <= prev) r.fail('vv not in canonical order');
    const c = r.varint();
    if (c === 0) r.fail('zero vv counter');
    vv.set(names[idx]!, c);
    prev = idx;
  }

  const s = r.count(MIN_SIBLING_BYTES);
  const siblings: Sibling[] = new Array<Sibling>(s);
  let prevDot: Dot | undefined;
  for (let i = 0; i < s; i++) {
    const node = names[readIndex(r, table)]!;
    const counter = r.varint();
    if (counter === 0) r.fail('zero dot counter');
    const dot: Dot = { node, counter };
    if (counter > (vv.get(node) ?? 0)) r.fail(`dot ${node}:${counter} not covered by the vv`);
    if (prevDot !== undefined && compareDots(prevDot, dot) >= 0) r.fail('siblings not in canonical order');
    const flags = r.byte();
    if ((flags & ~F_KNOWN) !== 0) r.fail(`unknown sibling flags ${flags}`);
    const ts = readSigned(r, (flags & F_TS_NEG) !== 0);
    let expireAt: number | null = null;
    if ((flags & F_EXPIRE) !== 0) expireAt = readSigned(r, (flags & F_EXP_NEG) !== 0);
    else if ((flags & F_EXP_NEG) !== 0) r.fail('negative flag without expiry');
    const payload = readPayload(r, flags & F_KIND, table);
    siblings[i] = { dot, payload, ts, expireAt };
    prevDot = dot;
  }
  r.end();
  if (table.used.indexOf(false) !== -1) r.fail('unused node in the table');
  return { vv, siblings };
}
