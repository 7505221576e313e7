import { expect } from 'chai';
import fc from 'fast-check';
import {
  applyWrite,
  emptyRecord,
  encodeRecord,
  mergeAll,
  mergeRecords,
  recordsEqual,
  type VRecord,
} from '../../lib/versioning';
import { arbRecord, bytes, valueOf } from './arbitraries';

const same = (x: VRecord, y: VRecord): void => {
  expect(recordsEqual(x, y), 'recordsEqual').to.equal(true);
  expect(encodeRecord(x).equals(encodeRecord(y)), 'encoded bytes').to.equal(true);
};

const write = (s: string, ts = 1) => ({ payload: bytes(s), ts, expireAt: null });

describe('versioning: mergeRecords', () => {
  for (const wide of [false, true]) {
    const label = wide ? 'any node names, values and times' : 'small domains (shared dots, ties)';
    it(`is commutative (${label})`, () => {
      fc.assert(fc.property(arbRecord(wide), arbRecord(wide), (a, b) => same(mergeRecords(a, b), mergeRecords(b, a))));
    });

    it(`is associative (${label})`, () => {
      fc.assert(
        fc.property(arbRecord(wide), arbRecord(wide), arbRecord(wide), (a, b, c) =>
          same(mergeRecords(mergeRecords(a, b), c), mergeRecords(a, mergeRecords(b, c))),
        ),
      );
    });

    it(`is idempotent, also on a merged result (${label})`, () => {
      fc.assert(
        fc.property(arbRecord(wide), arbRecord(wide), (a, b) => {
          same(mergeRecords(a, a), a);
          const ab = mergeRecords(a, b);
          same(mergeRecords(ab, a), ab);
          same(mergeRecords(ab, b), ab);
        }),
      );
    });
  }

  it('keeps siblings sorted by dot: node, then counter', () => {
    fc.assert(
      fc.property(arbRecord(), arbRecord(), (a, b) => {
        const dots = mergeRecords(a, b).siblings.map((s) => `${s.dot.node}:${s.dot.counter}`);
        const sorted = mergeRecords(a, b)
          .siblings.map((s) => s.dot)
          .sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : x.counter - y.counter))
          .map((d) => `${d.node}:${d.counter}`);
        expect(dots).to.deep.equal(sorted);
        expect(new Set(dots).size).to.equal(dots.length);
      }),
    );
  });

  it('resolves one dot held with different content the same way in either order', () => {
    const vv = new Map([['a', 1]]);
    const x: VRecord = { vv, siblings: [{ dot: { node: 'a', counter: 1 }, ...write('x') }] };
    const y: VRecord = { vv, siblings: [{ dot: { node: 'a', counter: 1 }, ...write('y') }] };
    const xy = mergeRecords(x, y);
    expect(xy.siblings.map(valueOf)).to.deep.equal(['y']);
    same(xy, mergeRecords(y, x));
  });

  it('drops a sibling the other side has seen and replaced', () => {
    const base = applyWrite(emptyRecord(), new Map(), 'a', write('v1'));
    const replaced = applyWrite(base, base.vv, 'b', write('v2'));
    expect(mergeRecords(base, replaced).siblings.map(valueOf)).to.deep.equal(['v2']);
    expect(mergeRecords(replaced, base).siblings.map(valueOf)).to.deep.equal(['v2']);
  });

  it('keeps a sibling the other side never saw', () => {
    const x = applyWrite(emptyRecord(), new Map(), 'a', write('x'));
    const y = applyWrite(emptyRecord(), new Map(), 'b', write('y'));
    const m = mergeRecords(x, y);
    expect(m.siblings.map(valueOf)).to.deep.equal(['x', 'y']);
    expect([...m.vv.entries()]).to.deep.equal([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('returns the local record itself when the other side adds nothing', () => {
    const x = applyWrite(emptyRecord(), new Map(), 'a', write('x'));
    const newer = applyWrite(x, x.vv, 'a', write('y'));
    expect(mergeRecords(newer, x)).to.equal(newer);
    expect(mergeRecords(x, newer)).to.equal(newer);
    expect(mergeRecords(newer, emptyRecord())).to.equal(newer);
  });

  it('mergeAll of the replies equals folding mergeRecords in any order', () => {
    fc.assert(
      fc.property(fc.array(arbRecord(), { maxLength: 5 }), (rs) => {
        same(mergeAll(rs), mergeAll([...rs].reverse()));
      }),
    );
  });
});
