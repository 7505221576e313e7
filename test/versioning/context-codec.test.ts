import { expect } from 'chai';
import fc from 'fast-check';
import { decodeContext, encodeContext, VersioningError, vvEquals, type VersionVector } from '../../lib/versioning';
import { arbNode } from './arbitraries';

const arbVV: fc.Arbitrary<VersionVector> = fc
  .array(fc.tuple(arbNode(true), fc.oneof(fc.integer({ min: 1, max: 300 }), fc.maxSafeInteger().filter((n) => n > 0))), {
    maxLength: 6,
  })
  .map((e) => new Map(e));

function expectBadContext(text: string | Buffer): void {
  try {
    decodeContext(text);
  } catch (e) {
    expect(e).to.be.instanceOf(VersioningError);
    expect((e as VersioningError).code).to.equal('BAD_CONTEXT');
    return;
  }
  expect.fail(`decoded ${JSON.stringify(text.toString())}`);
}

describe('versioning: context codec', () => {
  it('encodes the empty vv as the empty string, and back', () => {
    expect(encodeContext(new Map())).to.equal('');
    expect(encodeContext(new Map([['a', 0]]))).to.equal('');
    expect(decodeContext('').size).to.equal(0);
    expect(decodeContext(Buffer.alloc(0)).size).to.equal(0);
  });

  it('round-trips any version vector through printable base64url text, string or Buffer', () => {
    fc.assert(
      fc.property(arbVV, (vv) => {
        const text = encodeContext(vv);
        expect(text).to.match(/^[A-Za-z0-9_-]*$/);
        expect(vvEquals(decodeContext(text), vv)).to.equal(true);
        expect(vvEquals(decodeContext(Buffer.from(text)), vv)).to.equal(true);
      }),
    );
  });

  it('gives one text per vv, whatever the map insertion order', () => {
    expect(encodeContext(new Map([['b', 2], ['a', 1]]))).to.equal(encodeContext(new Map([['a', 1], ['b', 2]])));
  });

  it('is compact: a three-node context takes under twenty characters', () => {
    expect(encodeContext(new Map([['n1', 5], ['n2', 17], ['n3', 1]])).length).to.be.at.most(20);
  });

  it('rejects malformed contexts with BAD_CONTEXT', () => {
    const good = encodeContext(new Map([['a', 1], ['b', 2]]));
    const raw = Buffer.from(good, 'base64url');
    const b64 = (b: Buffer | number[]) => Buffer.from(b).toString('base64url');
    expectBadContext('not base64!');
    expectBadContext(`${good}=`);
    expectBadContext(good.slice(0, -1));
    expectBadContext('A');
    expectBadContext(b64(raw.subarray(0, raw.length - 1))); // truncated
    expectBadContext(b64(Buffer.concat([raw, Buffer.from([0])]))); // trailing bytes
    expectBadContext(b64([0xff, 0xff, 0xff, 0x7f, 1, 0x61, 1])); // absurd count
    expectBadContext(b64([0])); // empty vv must be ""
    expectBadContext(b64([1, 1, 0x61, 0])); // zero counter
    expectBadContext(b64([1, 0, 1])); // empty node id
    expectBadContext(b64([2, 1, 0x62, 1, 1, 0x61, 1])); // unsorted
    expectBadContext(b64([2, 1, 0x61, 1, 1, 0x61, 2])); // duplicate node
    expectBadContext(b64([1, 1, 0xff, 1])); // node id not UTF-8
    expectBadContext(b64([1, 1, 0x61, 0x81, 0])); // overlong varint
    expectBadContext(b64([1, 1, 0x61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1])); // counter too big
    expectBadContext('x'.repeat(100_000));
  });

  it('throws nothing but BAD_CONTEXT on random text or bytes', () => {
    const check = (input: string | Buffer) => {
      try {
        const vv = decodeContext(input);
        for (const n of vv.values()) expect(Number.isSafeInteger(n) && n > 0).to.equal(true);
      } catch (e) {
        expect(e).to.be.instanceOf(VersioningError);
        expect((e as VersioningError).code).to.equal('BAD_CONTEXT');
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), check));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u).toString('base64url')), check));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)), check));
  });

  it('accepts a mutated context only if it is itself canonical', () => {
    fc.assert(
      fc.property(arbVV, fc.nat(), fc.nat(255), (vv, at, byte) => {
        const raw = Buffer.from(encodeContext(vv), 'base64url');
        if (raw.length === 0) return;
        raw[at % raw.length] = byte;
        const text = raw.toString('base64url');
        try {
          expect(encodeContext(decodeContext(text))).to.equal(text);
        } catch (e) {
          if (!(e instanceof VersioningError)) throw e;
        }
      }),
    );
  });
});
