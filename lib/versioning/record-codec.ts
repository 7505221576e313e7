/**
 * The binary form of a record, as stored in LevelDB and sent between replicas. On the hot path of
 * every GET and SET: one size pass, one allocation, no JSON. Canonical: equal records encode to
 * equal bytes, and decoding accepts only what encodeRecord could have produced.
 *
 * Format version 1:
 *   u8 1
 *   varint T, T × node id (varint len 1..255, UTF-8), strictly increasing   -- the node table
 *   varint V, V × (varint node index, varint counter >= 1), index increasing -- vv
 *   varint S, S × sibling, strictly increasing by dot, each covered by vv
 * sibling:
 *   varint node index, varint counter >= 1
 *   u8 flags: bits 0-1 kind (0 tombstone, 1 bytes, 2 counter), bit 2 has expireAt,
 *             bit 3 ts < 0, bit 4 expireAt < 0, other bits 0
 *   varint |ts|, [varint |expireAt|]
 *   bytes:   varint len, data
 *   counter: inc map, dec map; map = varint n, n × (varint node index, bigint varint >= 1)
 */
import { VersioningError } from './errors';
import { nodeIdBytes, writeNodeId } from './node-id-codec';
import { canonicalSiblings } from './sibling';
import type { NodeId, Payload, VersionVector, VRecord } from './types';
import {
  F_EXP_NEG,
  F_EXPIRE,
  F_TS_NEG,
  KIND_BYTES,
  KIND_COUNTER,
  KIND_TOMBSTONE,
  MAX_BIGINT_BYTES,
  RECORD_FORMAT_VERSION,
} from './record-format';
import { bigVarintSize, varintSize, writeBigVarint, writeVarint } from './varint';
import { compareNodes, coversDot } from './vv';

function bad(message: string): never {
  throw new VersioningError('BAD_RECORD', message);
}

function checkTime(what: string, n: number): void {
  if (!Number.isSafeInteger(n)) bad(`${what} ${n} is not a safe integer`);
}

function kindOf(p: Payload): number {
  return p.kind === 'bytes' ? KIND_BYTES : p.kind === 'counter' ? KIND_COUNTER : KIND_TOMBSTONE;
}

/** Node names a record mentions, gathered without a Map: records name a handful of nodes. */
function addName(names: NodeId[], node: NodeId): void {
  if (names.indexOf(node) === -1) names.push(node);
}

function addCounterNodes(names: NodeId[], m: ReadonlyMap<NodeId, bigint>): void {
  for (const [node, v] of m) {
    if (v < 0n) bad(`negative counter total for ${node}`);
    if (v !== 0n) addName(names, node);
  }
}

function counterMapSize(m: ReadonlyMap<NodeId, bigint>, names: readonly NodeId[]): number {
  let n = 0;
  let size = 0;
  for (const [node, v] of m) {
    if (v === 0n) continue;
    const vs = bigVarintSize(v);
    if (vs > MAX_BIGINT_BYTES) bad(`counter total for ${node} too large`);
    n++;
    size += varintSize(names.indexOf(node)) + vs;
  }
  return varintSize(n) + size;
}

function writeCounterMap(
  buf: Buffer,
  pos: number,
  m: ReadonlyMap<NodeId, bigint>,
  names: readonly NodeId[],
): number {
  const entries: Array<[number, bigint]> = [];
  for (const [node, v] of m) if (v !== 0n) entries.push([names.indexOf(node), v]);
  entries.sort((x, y) => x[0] - y[0]);
  pos = writeVarint(buf, pos, entries.length);
  for (const [idx, v] of entries) {
    pos = writeVarint(buf, pos, idx);
    pos = writeBigVarint(buf, pos, v);
  }
  return pos;
}

function payloadSize(p: Payload, names: readonly NodeId[]): number {
  if (p.kind === 'bytes') return varintSize(p.data.length) + p.data.length;
  if (p.kind === 'counter') return counterMapSize(p.inc, names) + counterMapSize(p.dec, names);
  return 0;
}

/** Throws VersioningError('BAD_RECORD') for records that break the invariants or cannot be encoded. */
export function encodeRecord(rec: VRecord): Buffer {
  const sibs = canonicalSiblings(rec.siblings);
  const vv = rec.vv;
  const names: NodeId[] = [];
  let vvCount = 0;
  for (const [node, c] of vv) {
    if (c === 0) continue;
    if (!Number.isSafeInteger(c) || c < 0) bad(`bad vv counter ${c} for ${node}`);
    addName(names, node);
    vvCount++;
  }
  for (const s of sibs) {
    if (!Number.isSafeInteger(s.dot.counter) || s.dot.counter < 1 || !coversDot(vv, s.dot)) {
      bad(`sibling dot ${s.dot.node}:${s.dot.counter} not covered by the vv`);
    }
    checkTime('ts', s.ts);
    if (s.expireAt !== null) checkTime('expireAt', s.expireAt);
    if (s.payload.kind === 'counter') {
      addCounterNodes(names, s.payload.inc);
      addCounterNodes(names, s.payload.dec);
    }
  }
  if (names.length > 1) names.sort(compareNodes);
  const tableBytes: Buffer[] = [];
  let size = 1 + varintSize(names.length) + varintSize(vvCount) + varintSize(sibs.length);
  for (let i = 0; i < names.length; i++) {
    const b = nodeIdBytes(names[i]!, 'BAD_RECORD');
    tableBytes.push(b);
    size += varintSize(b.length) + b.length + (vvCount > 0 ? vvEntrySize(vv, names[i]!, i) : 0);
  }
  for (const s of sibs) {
    size += varintSize(names.indexOf(s.dot.node)) + varintSize(s.dot.counter) + 1;
    size += varintSize(Math.abs(s.ts)) + payloadSize(s.payload, names);
    if (s.expireAt !== null) size += varintSize(Math.abs(s.expireAt));
  }

  const buf = Buffer.allocUnsafe(size);
  buf[0] = RECORD_FORMAT_VERSION;
  let pos = writeVarint(buf, 1, names.length);
  for (const b of tableBytes) pos = writeNodeId(buf, pos, b);
  pos = writeVarint(buf, pos, vvCount);
  for (let i = 0; i < names.length; i++) {
    const c = vv.get(names[i]!) ?? 0;
    if (c === 0) continue;
    pos = writeVarint(buf, pos, i);
    pos = writeVarint(buf, pos, c);
  }
  pos = writeVarint(buf, pos, sibs.length);
  for (const s of sibs) {
    pos = writeVarint(buf, pos, names.indexOf(s.dot.node));
    pos = writeVarint(buf, pos, s.dot.counter);
    const p = s.payload;
    let flags = kindOf(p);
    if (s.expireAt !== null) flags |= F_EXPIRE | (s.expireAt < 0 ? F_EXP_NEG : 0);
    if (s.ts < 0) flags |= F_TS_NEG;
    buf[pos++] = flags;
    pos = writeVarint(buf, pos, Math.abs(s.ts));
    if (s.expireAt !== null) pos = writeVarint(buf, pos, Math.abs(s.expireAt));
    if (p.kind === 'bytes') {
      pos = writeVarint(buf, pos, p.data.length);
      pos += p.data.copy(buf, pos);
    } else if (p.kind === 'counter') {
      pos = writeCounterMap(buf, pos, p.inc, names);
      pos = writeCounterMap(buf, pos, p.dec, names);
    }
  }
  if (pos !== size) bad(`internal: encoded ${pos} bytes, sized ${size}`);
  return buf;
}

function vvEntrySize(vv: VersionVector, node: NodeId, index: number): number {
  const c = vv.get(node) ?? 0;
  return c === 0 ? 0 : varintSize(index) + varintSize(c);
}
