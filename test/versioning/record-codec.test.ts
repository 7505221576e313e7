import { expect } from 'chai';
import fc from 'fast-check';
import {
  applyWrite,
  decodeRecord,
  emptyRecord,
  encodeRecord,
  mergeRecords,
  recordsEqual,
  RECORD_FORMAT_VERSION,
  VersioningError,
  type Sibling,
  type VRecord,
} from '../../lib/versioning';
import { arbRecord, bytes } from './arbitraries';

function expectBadRecord(buf: Buffer): void {
  try {
    decodeRecord(buf);
  } catch (e) {
    expect(e).to.be.instanceOf(VersioningError);
    expect((e as VersioningError).code).to.equal('BAD_RECORD');
    return;
  }
  expect.fail(`decoded ${buf.toString('hex')}`);
}

const typical: VRecord = applyWrite(emptyRecord(), new Map([['node-2', 4]]), 'node-1', {
  payload: bytes('v'.repeat(100)),
  ts: 1_700_000_000_000,
  expireAt: 1_700_000_060_000,
});

describe('versioning: record codec', () => {
  it('round-trips any record, to the same bytes', () => {
    fc.assert(
      fc.property(arbRecord(true), (rec) => {
        const buf = encodeRecord(rec);
        expect(buf[0]).to.equal(RECORD_FORMAT_VERSION);
        const back = decodeRecord(buf);
        expect(recordsEqual(back, rec)).to.equal(true);
        expect(encodeRecord(back).equals(buf)).to.equal(true);
      }),
    );
  });

  it('round-trips all three payload kinds, negative times, and the empty record', () => {
    const counter: Sibling = {
      dot: { node: 'b', counter: 2 },
      payload: { kind: 'counter', inc: new Map([['a', 5n], ['b', (1n << 90n) + 1n]]), dec: new Map([['c', 3n]]) },
      ts: -5,
      expireAt: -1,
    };
    const rec: VRecord = {
      vv: new Map([['a', 1], ['b', 2]]),
      siblings: [{ dot: { node: 'a', counter: 1 }, payload: { kind: 'tombstone' }, ts: 0, expireAt: null }, counter],
    };
    expect(decodeRecord(encodeRecord(rec))).to.deep.equal(rec);
    expect(recordsEqual(decodeRecord(encodeRecord(emptyRecord())), emptyRecord())).to.equal(true);
    expect(decodeRecord(encodeRecord(typical))).to.deep.equal(typical);
  });

  it('writes node names once: a typical record costs little over its value', () => {
    expect(encodeRecord(typical).length).to.be.at.most(100 + 40);
    const many = mergeRecords(typical, applyWrite(emptyRecord(), new Map(), 'node-1', typical.siblings[0]!));
    expect(encodeRecord(many).toString('latin1').split('node-1').length - 1).to.equal(1);
  });

  it('copies value bytes out, so the input buffer may be reused', () => {
    const buf = encodeRecord(typical);
    const rec = decodeRecord(buf);
    buf.fill(0);
    const p = rec.siblings[0]!.payload;
    expect(p.kind === 'bytes' && p.data.toString()).to.equal('v'.repeat(100));
  });

  it('refuses to encode a record whose vv does not cover a sibling, or with non-integer times', () => {
    const sib: Sibling = { dot: { node: 'a', counter: 2 }, payload: bytes('x'), ts: 1, expireAt: null };
    expect(() => encodeRecord({ vv: new Map([['a', 1]]), siblings: [sib] })).to.throw(VersioningError);
    expect(() => encodeRecord({ vv: new Map([['a', 2]]), siblings: [{ ...sib, ts: 1.5 }] })).to.throw(VersioningError);
  });

  it('rejects corrupt input with BAD_RECORD', () => {
    const good = encodeRecord(typical);
    expectBadRecord(Buffer.alloc(0));
    expectBadRecord(Buffer.from([2, 0, 0, 0])); // unknown format version
    expectBadRecord(good.subarray(0, good.length - 1));
    expectBadRecord(Buffer.concat([good, Buffer.from([0])]));
    expectBadRecord(Buffer.from([1, 0xff, 0xff, 0xff, 0x0f])); // absurd table size
    expectBadRecord(Buffer.from([1, 1, 1, 0x61, 0, 0])); // unused table entry
    expectBadRecord(Buffer.from([1, 1, 1, 0x61, 1, 0, 1, 1, 0, 2, 1, 0])); // dot (a,2) not covered by vv a:1
    expectBadRecord(Buffer.from([1, 1, 1, 0x61, 1, 0, 1, 1, 0, 1, 0x20, 1])); // unknown flag bits
    expectBadRecord(Buffer.from([1, 1, 1, 0x61, 1, 0, 1, 1, 0, 1, 3, 1])); // unknown payload kind
    expectBadRecord(Buffer.from([1, 1, 1, 0x61, 1, 0, 1, 1, 0, 1, 8, 0])); // negative zero ts
  });

  it('throws nothing but BAD_RECORD on random bytes', () => {
    const check = (buf: Buffer) => {
      try {
        decodeRecord(buf);
      } catch (e) {
        expect(e).to.be.instanceOf(VersioningError);
        expect((e as VersioningError).code).to.equal('BAD_RECORD');
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (u) => check(Buffer.from([1, ...u]))));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (u) => check(Buffer.from(u))));
  });

  it('accepts a corrupted record only if it is itself canonical', () => {
    fc.assert(
      fc.property(arbRecord(true), fc.nat(), fc.nat(255), fc.nat(3), (rec, at, byte, how) => {
        const buf = Buffer.from(encodeRecord(rec));
        const i = at % buf.length;
        const bad =
          how === 0
            ? (buf.fill(byte, i, i + 1), buf)
            : how === 1
              ? buf.subarray(0, i)
              : how === 2
                ? Buffer.concat([buf.subarray(0, i), Buffer.from([byte]), buf.subarray(i)])
                : Buffer.concat([buf.subarray(0, i), buf.subarray(i + 1)]);
        try {
          expect(encodeRecord(decodeRecord(bad)).equals(bad)).to.equal(true);
        } catch (e) {
          if (!(e instanceof VersioningError)) throw e;
          expect(e.code).to.equal('BAD_RECORD');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
