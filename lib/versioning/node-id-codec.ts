/**
 * Node names on the wire and on disk: a varint length (1..255) and UTF-8 bytes. Encoded names are
 * cached (there are few nodes); names that do not survive a UTF-8 round trip (lone surrogates) are
 * refused, so decoding what we encoded always gives back the same string.
 */
import { VersioningError, type VersioningErrorCode } from './errors';
import type { NodeId } from './types';
import type { Reader } from './varint';

export const MAX_NODE_ID_BYTES = 255;
const CACHE_LIMIT = 4096;
const cache = new Map<NodeId, Buffer>();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The UTF-8 bytes of a node name; throws VersioningError(code) for names we cannot encode. */
export function nodeIdBytes(node: NodeId, code: VersioningErrorCode): Buffer {
  const hit = cache.get(node);
  if (hit !== undefined) return hit;
  const bytes = Buffer.from(node, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_NODE_ID_BYTES || bytes.toString('utf8') !== node) {
    throw new VersioningError(code, `cannot encode node id ${JSON.stringify(node)}`);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(node, bytes);
  return bytes;
}

/**
 * Names decoded lately, with their bytes: a record names the same few nodes over and over, so a
 * decode finds its name here and allocates nothing (building a 40-character default node id from
 * its bytes cost 40 string allocations per name, and every Map lookup of a fresh string hashes it
 * again; an interned one keeps its hash). Bounded, so names that never repeat cannot grow it.
 */
const INTERN_LIMIT = 64;
const internedBytes: Buffer[] = [];
const internedNames: NodeId[] = [];
let internNext = 0;

function interned(buf: Buffer, start: number, len: number): NodeId | undefined {
  for (let k = 0; k < internedBytes.length; k++) {
    const b = internedBytes[k]!;
    if (b.length !== len) continue;
    let i = 0;
    while (i < len && b[i] === buf[start + i]) i++;
    if (i === len) return internedNames[k];
  }
  return undefined;
}

function intern(bytes: Buffer, name: NodeId): void {
  internedBytes[internNext] = bytes;
  internedNames[internNext] = name;
  internNext = (internNext + 1) % INTERN_LIMIT;
}

/** Read one node name written by nodeIdBytes; strict UTF-8. */
export function readNodeId(r: Reader): NodeId {
  const len = r.varint();
  if (len === 0 || len > MAX_NODE_ID_BYTES) r.fail(`bad node id length ${len}`);
  if (len > r.remaining) r.fail('truncated');
  const buf = r.buf;
  const start = r.pos;
  const end = start + len;
  let name = interned(buf, start, len);
  if (name === undefined) {
    const bytes = Buffer.from(buf.subarray(start, end)); // a copy: buf may be reused
    try {
      name = strictUtf8.decode(bytes);
    } catch {
      return r.fail('node id is not valid UTF-8');
    }
    intern(bytes, name);
  }
  r.pos = end;
  return name;
}

/** Write a node name's length and bytes at `pos`; returns the position after it. */
export function writeNodeId(buf: Buffer, pos: number, bytes: Buffer): number {
  const len = bytes.length;
  buf[pos++] = len < 0x80 ? len : (len & 0x7f) | 0x80;
  if (len >= 0x80) buf[pos++] = len >>> 7;
  if (len <= 16) {
    for (let i = 0; i < len; i++) buf[pos + i] = bytes[i]!;
    return pos + len;
  }
  return pos + bytes.copy(buf, pos);
}
