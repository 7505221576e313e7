import { expect } from 'chai';
import fc from 'fast-check';
import { entryHash, murmurPair } from '../../lib/antientropy/record-hash';

/** MurmurHash3 x86_32 over keyLength (u32) ‖ key ‖ stored, a byte at a time: the reference */
function reference(key: Buffer, stored: Buffer, seed: number): number {
  const mix = (h: number, k: number): number => {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    return (Math.imul(h, 5) + 0xe6546b64) | 0;
  };
  let h = mix(seed ^ key.length, key.length);
  const bytes = Buffer.concat([key, stored]);
  let carry = 0;
  let n = 0;
  for (const b of bytes) {
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
  h ^= bytes.length + 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('record hash (Merkle leaves)', () => {
  it('the word-at-a-time pair equals two byte-at-a-time MurmurHash3 passes, for any key and record bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), fc.integer(), fc.integer(), (k, r, s1, s2) => {
        const key = Buffer.from(k);
        const stored = Buffer.from(r);
        expect(murmurPair(key, stored, s1, s2)).to.deep.equal([reference(key, stored, s1), reference(key, stored, s2)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the values leaves were built with (stable across versions)', () => {
    expect(entryHash(Buffer.from('key'), Buffer.from('record bytes')).toString(16)).to.equal(
      ((BigInt(reference(Buffer.from('key'), Buffer.from('record bytes'), 0x9747b28c)) << 32n) |
        BigInt(reference(Buffer.from('key'), Buffer.from('record bytes'), 0x3c6ef372))).toString(16));
  });
});
