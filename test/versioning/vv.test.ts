import { expect } from 'chai';
import fc from 'fast-check';
import {
  coversDot,
  joinVV,
  vvConcurrent,
  vvDescends,
  vvEquals,
  vvFrom,
  vvGet,
  vvSet,
  type VersionVector,
} from '../../lib/versioning';

const arbVV: fc.Arbitrary<VersionVector> = fc
  .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 5 })), { maxLength: 4 })
  .map((e) => new Map(e));

describe('versioning: version vectors', () => {
  it('reads an absent node as 0', () => {
    expect(vvGet(new Map(), 'a')).to.equal(0);
    expect(vvGet(new Map([['a', 3]]), 'a')).to.equal(3);
  });

  it('joins pointwise and keeps its keys in sorted order', () => {
    const j = joinVV(new Map([['c', 1], ['a', 4]]), new Map([['b', 2], ['a', 1]]));
    expect([...j.entries()]).to.deep.equal([
      ['a', 4],
      ['b', 2],
      ['c', 1],
    ]);
  });

  it('descends pointwise, treating 0 and absent alike', () => {
    expect(vvDescends(new Map([['a', 2]]), new Map([['a', 1]]))).to.equal(true);
    expect(vvDescends(new Map([['a', 1]]), new Map([['a', 2]]))).to.equal(false);
    expect(vvDescends(new Map(), new Map([['a', 0]]))).to.equal(true);
    expect(vvEquals(new Map([['a', 0]]), new Map())).to.equal(true);
    expect(vvConcurrent(new Map([['a', 1]]), new Map([['b', 1]]))).to.equal(true);
  });

  it('covers a dot exactly when its counter is at most the entry', () => {
    const vv = new Map([['a', 3]]);
    expect(coversDot(vv, { node: 'a', counter: 3 })).to.equal(true);
    expect(coversDot(vv, { node: 'a', counter: 4 })).to.equal(false);
    expect(coversDot(vv, { node: 'b', counter: 1 })).to.equal(false);
  });

  it('sets and removes one entry without touching the input', () => {
    const vv = new Map([['a', 3]]);
    expect([...vvSet(vv, 'b', 1).entries()]).to.deep.equal([
      ['a', 3],
      ['b', 1],
    ]);
    expect(vvSet(vv, 'a', 0).size).to.equal(0);
    expect(vv.get('a')).to.equal(3);
    expect([...vvFrom([['b', 1], ['a', 2], ['a', 1], ['c', 0]]).entries()]).to.deep.equal([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('join is the least upper bound: commutative, associative, idempotent, descends both', () => {
    fc.assert(
      fc.property(arbVV, arbVV, arbVV, (a, b, c) => {
        const ab = joinVV(a, b);
        expect(vvEquals(ab, joinVV(b, a))).to.equal(true);
        expect(vvEquals(joinVV(ab, c), joinVV(a, joinVV(b, c)))).to.equal(true);
        expect(vvEquals(joinVV(a, a), a)).to.equal(true);
        expect(vvDescends(ab, a) && vvDescends(ab, b)).to.equal(true);
        if (vvDescends(c, a) && vvDescends(c, b)) expect(vvDescends(c, ab)).to.equal(true);
      }),
    );
  });
});
