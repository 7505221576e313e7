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

/** Read one node name written by nodeIdBytes; strict UTF-8. */
export function readNodeId(r: Reader): NodeId {
  const len = r.varint();
  if (len === 0 || len > MAX_NODE_ID_BYTES) r.fail(`bad node id length ${len}`);
  if (len > r.remaining) r.fail('truncated');
  const buf = r.buf;
  const start = r.pos;
  const end = start + len;
  // Short ASCII names (the usual case) are built in JS: cheaper than a native toString call.
  let name = '';
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80) {
      name = '';
      break;
    }
    name += String.fromCharCode(b);
  }
  if (name.length !== len) {
    try {
      name = strictUtf8.decode(buf.subarray(start, end));
    } catch {
      return r.fail('node id is not valid UTF-8');
    }
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
