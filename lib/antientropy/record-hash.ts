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
  const [hi, lo] = murmurPair(key, stored, 0x9747b28c, 0x3c6ef372);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Two MurmurHash3 x86_32 (seeds `s1`, `s2`) over keyLength (u32) ‖ key ‖ stored, in one pass, a
 * little-endian 32-bit word at a time (only the word across the key's end is put together byte by
 * byte): the same values as a byte-at-a-time pass (test/antientropy/record-hash.test.ts keeps
 * one as the reference), at a fraction of the cost on every write.
 */
export function murmurPair(key: Buffer, stored: Buffer, s1: number, s2: number): [number, number] {
  const klen = key.length;
  const total = klen + stored.length;
  let h1 = mix(s1 ^ klen, klen);
  let h2 = mix(s2 ^ klen, klen);
  let i = 0;
  for (; i + 4 <= klen; i += 4) {
    const w = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    h1 = mix(h1, w);
    h2 = mix(h2, w);
  }
  if (i < klen && i + 4 <= total) {
    let w = 0;
    for (let b = 0; b < 4; b++) w |= (i + b < klen ? key[i + b]! : stored[i + b - klen]!) << (8 * b);
    h1 = mix(h1, w);
    h2 = mix(h2, w);
    i += 4;
  }
  for (; i + 4 <= total; i += 4) {
    const o = i - klen;
    const w = stored[o]! | (stored[o + 1]! << 8) | (stored[o + 2]! << 16) | (stored[o + 3]! << 24);
    h1 = mix(h1, w);
    h2 = mix(h2, w);
  }
  let carry = 0;
  for (let n = 0; i < total; i++, n++) carry |= (i < klen ? key[i]! : stored[i - klen]!) << (8 * n);
  if (total % 4 !== 0) {
    let k = Math.imul(carry, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h2 ^= k;
  }
  return [fmix(h1 ^ (total + 4)), fmix(h2 ^ (total + 4))];
}

function fmix(h: number): number {
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
