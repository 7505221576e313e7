/**
 * The hash one stored record contributes to its slot's leaf: 64 bits of MD5 over the key's
 * length, the key, and the record's canonical bytes (the record codec encodes equal records to
 * equal bytes). It depends on nothing else — not on the clock: an expired value hashes the same
 * on every replica at every time, and expiry never makes replicas look different. An absent key
 * contributes 0. Pure.
 */
import { createHash } from 'node:crypto';
import type { VRecord } from '../versioning/types';
import { encodeRecord } from '../versioning';

export const ABSENT = 0n;

/** hash of the stored bytes of `key`'s record */
export function entryHash(key: Buffer, stored: Buffer): bigint {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(key.length, 0);
  return createHash('md5').update(len).update(key).update(stored).digest().readBigUInt64BE(0);
}

/** true for the record of a key never written (what RecordStore reads for a missing key) */
export function isAbsent(rec: VRecord): boolean {
  return rec.siblings.length === 0 && rec.vv.size === 0;
}

/**
 * Hashes of decoded records, remembered per record object: the record a write replaces is
 * usually the one the previous write made (RecordStore caches it), so its hash is known without
 * encoding it again.
 */
export class RecordHasher {
  private readonly known = new WeakMap<VRecord, { readonly key: Buffer; readonly h: bigint }>();

  hash(key: Buffer, rec: VRecord | null, stored: Buffer | null = null): bigint {
    if (rec === null || isAbsent(rec)) return ABSENT;
    const hit = this.known.get(rec);
    // one record object may (rarely) be stored under two keys: the key is part of the hash
    if (hit !== undefined && hit.key.equals(key)) return hit.h;
    const h = entryHash(key, stored ?? encodeRecord(rec));
    this.known.set(rec, { key: Buffer.from(key), h });
    return h;
  }
}
