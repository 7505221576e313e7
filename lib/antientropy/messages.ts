/**
 * Bodies of the anti-entropy messages (msgpack, helpers from coordinator/messages.ts). Every
 * field is validated on receipt: partition lists strictly ascending and in range, hashes of the
 * exact length, bounded counts, records through the record codec.
 *
 *   AE_ROOT             {p: u16be partitions}            → {h: 16-byte digest}
 *   AE_PARTITION_HASHES {p}                              → {h: 8 bytes per partition}
 *   AE_SLOT_HASHES      {p}                              → {h: 16 × 8 bytes per partition}
 *   AE_KEYS             {s: slot, a: after key | nil, n} → {k: [key], h: 8 bytes per key, m: more}
 *   AE_SYNC             {k: [key], r: [record | nil]}    → {r: [record | nil], c: keys changed}
 */
import { MessageError, bool, buf, int } from '../coordinator/messages';
import { PARTITION_COUNT } from '../ring/partitions';
import { HASH_BYTES } from './merkle';
import type { KeyHash } from './key-diff';

export const MAX_KEYS_PAGE = 4096;
export const MAX_SYNC_KEYS = 512;

export function encodePartitions(partitions: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(partitions.length * 2);
  partitions.forEach((p, i) => out.writeUInt16BE(p, i * 2));
  return out;
}

export function decodePartitions(o: Record<string, unknown>, f: string): number[] {
  const b = buf(o, f);
  if (b.length % 2 !== 0 || b.length > PARTITION_COUNT * 2) throw new MessageError(`field '${f}' must hold at most ${PARTITION_COUNT} u16 partitions`);
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 2) {
    const p = b.readUInt16BE(i);
    if (p >= PARTITION_COUNT || (out.length > 0 && p <= (out[out.length - 1] as number))) {
      throw new MessageError(`field '${f}': partitions must be ascending and below ${PARTITION_COUNT}`);
    }
    out.push(p);
  }
  return out;
}

/** a hash buffer that must be exactly `bytes` long */
export function hashes(o: Record<string, unknown>, f: string, bytes: number): Buffer {
  const b = buf(o, f);
  if (b.length !== bytes) throw new MessageError(`field '${f}' must be ${bytes} bytes, got ${b.length}`);
  return Buffer.from(b);
}

function list(o: Record<string, unknown>, f: string, max: number): unknown[] {
  const v = o[f];
  if (!Array.isArray(v) || v.length > max) throw new MessageError(`field '${f}' must be an array of at most ${max} items`);
  return v;
}

function bytesItem(v: unknown, f: string): Buffer {
  if (!(v instanceof Uint8Array)) throw new MessageError(`field '${f}' must hold bytes`);
  return Buffer.from(v);
}

/** an array of byte strings (copied: they outlive the frame) */
export function bufList(o: Record<string, unknown>, f: string, max: number): Buffer[] {
  return list(o, f, max).map((v) => bytesItem(v, f));
}

/** an array of byte strings or nils */
export function optBufList(o: Record<string, unknown>, f: string, max: number): Array<Buffer | null> {
  return list(o, f, max).map((v) => (v === null || v === undefined ? null : bytesItem(v, f)));
}

export function encodeKeyPage(entries: readonly KeyHash[], more: boolean): object {
  const h = Buffer.allocUnsafe(entries.length * HASH_BYTES);
  entries.forEach((e, i) => h.writeBigUInt64BE(e.hash, i * HASH_BYTES));
  return { k: entries.map((e) => e.key), h, m: more };
}

/** a page of key summaries, keys strictly ascending */
export function decodeKeyPage(o: Record<string, unknown>, max: number): { entries: KeyHash[]; more: boolean } {
  const keys = bufList(o, 'k', max);
  const h = hashes(o, 'h', keys.length * HASH_BYTES);
  const entries = keys.map((key, i) => {
    if (i > 0 && Buffer.compare(keys[i - 1] as Buffer, key) >= 0) throw new MessageError("field 'k': keys must be strictly ascending");
    return { key, hash: h.readBigUInt64BE(i * HASH_BYTES) };
  });
  return { entries, more: bool(o, 'm') };
}

export function count(o: Record<string, unknown>, f: string, max: number): number {
  return int(o, f, 0, max);
}
