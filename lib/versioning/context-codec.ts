/**
 * The causal context handed to clients (VGET) and taken back (VSET/VDEL): a version vector as
 * compact binary — varint count, then (node id, varint counter) in canonical node order — in
 * base64url without padding, so it is printable and can be copied in redis-cli. The empty vv is
 * the empty string. Decoding accepts only what encodeContext could have produced.
 */
import { VersioningError } from './errors';
import { nodeIdBytes, readNodeId, writeNodeId } from './node-id-codec';
import type { NodeId, VersionVector } from './types';
import { Reader, varintSize, writeVarint } from './varint';
import { compareNodes } from './vv';

/** Longest context text accepted (about 4000 nodes with short names). */
export const MAX_CONTEXT_CHARS = 64 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** smallest entry: 1-byte length, 1-byte name, 1-byte counter */
const MIN_ENTRY_BYTES = 3;

export function encodeContextBytes(vv: VersionVector): Buffer {
  const entries: Array<[Buffer, number, NodeId]> = [];
  for (const [node, counter] of vv) {
    if (counter === 0) continue;
    if (!Number.isSafeInteger(counter) || counter < 0) {
      throw new VersioningError('BAD_CONTEXT', `bad counter ${counter} for node ${node}`);
    }
    entries.push([nodeIdBytes(node, 'BAD_CONTEXT'), counter, node]);
  }
  entries.sort((x, y) => compareNodes(x[2], y[2]));
  let size = varintSize(entries.length);
  for (const [name, counter] of entries) {
    size += varintSize(name.length) + name.length + varintSize(counter);
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = writeVarint(buf, 0, entries.length);
  for (const [name, counter] of entries) {
    pos = writeNodeId(buf, pos, name);
    pos = writeVarint(buf, pos, counter);
  }
  return buf;
}

/** The context text of a version vector; "" for the empty one. */
export function encodeContext(vv: VersionVector): string {
  let any = false;
  for (const n of vv.values()) if (n !== 0) any = true;
  return any ? encodeContextBytes(vv).toString('base64url') : '';
}

export function decodeContextBytes(bytes: Buffer): VersionVector {
  const r = new Reader(bytes, 'BAD_CONTEXT');
  const n = r.count(MIN_ENTRY_BYTES);
  if (n === 0) r.fail('empty context must be the empty string');
  const vv = new Map<NodeId, number>();
  let prev: NodeId | undefined;
  for (let i = 0; i < n; i++) {
    const node = readNodeId(r);
    if (prev !== undefined && compareNodes(prev, node) >= 0) r.fail('nodes not in canonical order');
    const counter = r.varint();
    if (counter === 0) r.fail('zero counter');
    vv.set(node, counter);
    prev = node;
  }
  r.end();
  return vv;
}

/** Parse a context; throws VersioningError('BAD_CONTEXT') on anything encodeContext cannot produce. */
export function decodeContext(text: string | Buffer): VersionVector {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  if (s.length === 0) return new Map();
  if (s.length > MAX_CONTEXT_CHARS) {
    throw new VersioningError('BAD_CONTEXT', `context longer than ${MAX_CONTEXT_CHARS} characters`);
  }
  if (!BASE64URL.test(s) || s.length % 4 === 1) {
    throw new VersioningError('BAD_CONTEXT', 'context is not base64url');
  }
  // Unused low bits of the last character must be zero: one text per context.
  const rest = s.length % 4;
  if (rest !== 0 && (BASE64URL_ALPHABET.indexOf(s[s.length - 1]!) & (rest === 2 ? 0x0f : 0x03)) !== 0) {
    throw new VersioningError('BAD_CONTEXT', 'context is not canonical base64url');
  }
  const bytes = Buffer.from(s, 'base64url');
  return decodeContextBytes(bytes);
}
