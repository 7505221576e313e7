import { expect } from 'chai';
import fc from 'fast-check';
import clusterKeySlot from 'cluster-key-slot';
import { crc16, keySlot } from '../../lib/ring/key-slot';

// Answers of `CLUSTER KEYSLOT` from redis-server 7.0 (cluster-enabled), binary keys sent with `redis-cli -x`.
const REDIS_ANSWERS: ReadonlyArray<[string, number]> = [
  ['somekey', 11058],
  ['{user1000}.following', 3443],
  ['{user1000}.followers', 3443],
  ['foo{}{bar}', 8363],
  ['foo{{bar}}zap', 4015],
  ['foo{bar}{zap}', 5061],
  ['foo', 12182],
  ['bar', 5061],
  ['', 0],
  ['{', 4092],
  ['}', 12090],
  ['{}', 15257],
  ['a{b', 13340],
  ['a}b{c}', 7365],
  ['{}{}', 15786],
  ['hello world', 15332],
  ['123456789', 12739],
  ['{a}', 15495],
  ['x{}y', 16116],
  ['{{}}', 4092],
  ['foo{}bar{baz}', 2600],
  ['é', 10180],
];
const REDIS_BINARY_ANSWERS: ReadonlyArray<[string, number]> = [
  ['00', 0],
  ['ff', 7920],
  ['610062', 8383],
  ['7b00007d', 0],
  ['ff7b80ff7d01', 1384],
  ['7b7d7b00ff7d', 2669],
  ['6b657900', 1431],
  ['7b7b7d7d78', 4092],
  ['e282ac7b7d', 15547],
  ['c3a97b7573657231303030fe7d', 9400],
];

describe('ring/key-slot', () => {
  it('crc16 is CRC-16/XMODEM (check value 0x31C3 for "123456789")', () => {
    expect(crc16(Buffer.from('123456789'))).to.equal(0x31c3);
  });

  for (const [key, slot] of REDIS_ANSWERS) {
    it(`maps ${JSON.stringify(key)} to slot ${slot} as CLUSTER KEYSLOT does`, () => {
      expect(keySlot(key)).to.equal(slot);
      expect(keySlot(Buffer.from(key, 'utf8'))).to.equal(slot);
    });
  }

  for (const [hex, slot] of REDIS_BINARY_ANSWERS) {
    it(`maps binary key 0x${hex} to slot ${slot} as CLUSTER KEYSLOT does`, () => {
      expect(keySlot(Buffer.from(hex, 'hex'))).to.equal(slot);
    });
  }

  it('gives keys sharing a non-empty hash tag the same slot', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), (tag, a, b) => {
        const clean = (bytes: Uint8Array): Buffer => Buffer.from(bytes.filter((c) => c !== 0x7b && c !== 0x7d));
        const t = clean(tag);
        fc.pre(t.length > 0);
        const k1 = Buffer.concat([clean(a), Buffer.from('{'), t, Buffer.from('}'), Buffer.from(b)]);
        const k2 = Buffer.concat([Buffer.from('{'), t, Buffer.from('}'), clean(b)]);
        expect(keySlot(k1)).to.equal(keySlot(k2));
        expect(keySlot(k1)).to.equal(keySlot(t));
      }),
    );
  });

  it('agrees with the cluster-key-slot package on keys without braces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        const key = Buffer.from(raw.filter((c) => c !== 0x7b && c !== 0x7d));
        expect(keySlot(key)).to.equal(clusterKeySlot(key));
      }),
      { numRuns: 500 },
    );
  });

  it('always returns a slot in 0..16383', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (raw) => {
      const slot = keySlot(raw);
      expect(slot).to.be.within(0, 16383);
    }));
  });
});
