/**
 * The hash one stored record contributes to its slot's leaf: 64 bits (two independently seeded
 * MurmurHash3 x86_32 passes; not cryptographic, which a set-difference check does not need, and
 * several times cheaper than MD5 through node:crypto on every write) over the key's length, the
 * key, and the record's canonical bytes (the record codec encodes equal records to
 * equal bytes). It depends on nothing else — not on the clock: an expired value hashes the same
 * on every replica at every time, and expiry never makes replicas look different. An absent key
 * contributes 0. Pure.
 */
import type { VRecord } from '../versioning/types';
import { encodeRecord } from '../versioning';

export const ABSENT = 0n;

/** hash of the stored bytes of `key`'s record */
export function entryHash(key: Buffer, stored: Buffer): bigint {
  const hi = murmur(key, stored, 0x9747b28c);
  const lo = murmur(key, stored, 0x3c6ef372);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** MurmurHash3 x86_32 over keyLength (u32) ‖ key ‖ stored */
function murmur(key: Buffer, stored: Buffer, seed: number): number {
  let h = seed ^ key.length;
  h = mix(h, key.length);
  let carry = 0;
  let n = 0;
  const total = key.length + stored.length;
  for (let i = 0; i < total; i++) {
    const b = i < key.length ? key[i] : stored[i - key.length];
    carry |= b << (8 * n);
    if (++n === 4) {
      h = mix(h, carry);
      carry = 0;
      n = 0;
    }
  }
  if (n > 0) {
    let k = Math.imul(carry, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= total + 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
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
