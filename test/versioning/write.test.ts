import { expect } from 'chai';
import fc from 'fast-check';
import { applyWrite, coversDot, emptyRecord, mergeRecords, vvGet, type VRecord } from '../../lib/versioning';
import { arbRecord, bytes, valueOf } from './arbitraries';

const write = (s: string, ts = 1) => ({ payload: bytes(s), ts, expireAt: null });

describe('versioning: applyWrite', () => {
  it('gives the first write on a node the dot (node, 1)', () => {
    const r = applyWrite(emptyRecord(), new Map(), 'a', write('v'));
    expect(r.siblings.map((s) => s.dot)).to.deep.equal([{ node: 'a', counter: 1 }]);
    expect([...r.vv.entries()]).to.deep.equal([['a', 1]]);
  });

  it('keeps both writes made with the same context through the same node', () => {
    const base = applyWrite(emptyRecord(), new Map(), 'a', write('v0'));
    const ctx = base.vv;
    const r = applyWrite(applyWrite(base, ctx, 'a', write('x')), ctx, 'a', write('y'));
    expect(r.siblings.map(valueOf)).to.deep.equal(['x', 'y']);
  });

  it('keeps both writes made with the same context through different nodes, once merged', () => {
    const base = applyWrite(emptyRecord(), new Map(), 'a', write('v0'));
    const atA = applyWrite(base, base.vv, 'a', write('x'));
    const atB = applyWrite(base, base.vv, 'b', write('y'));
    expect(mergeRecords(atA, atB).siblings.map(valueOf)).to.deep.equal(['x', 'y']);
  });

  it('replaces every sibling its context covers, leaving one', () => {
    const x = applyWrite(emptyRecord(), new Map(), 'a', write('x'));
    const y = applyWrite(emptyRecord(), new Map(), 'b', write('y'));
    const both = mergeRecords(x, y);
    expect(both.siblings).to.have.length(2);
    const resolved = applyWrite(both, both.vv, 'c', write('z'));
    expect(resolved.siblings.map(valueOf)).to.deep.equal(['z']);
    expect(mergeRecords(resolved, x).siblings.map(valueOf)).to.deep.equal(['z']);
  });

  it('with an empty context (a blind write) keeps everything as siblings', () => {
    const x = applyWrite(emptyRecord(), new Map(), 'a', write('x'));
    const r = applyWrite(x, new Map(), 'a', write('y'));
    expect(r.siblings.map(valueOf)).to.deep.equal(['x', 'y']);
    expect(r.siblings.map((s) => s.dot.counter)).to.deep.equal([1, 2]);
  });

  it('numbers the dot past both the local vv and the context', () => {
    const local = applyWrite(emptyRecord(), new Map(), 'a', write('x'));
    const r = applyWrite(local, new Map([['a', 7]]), 'a', write('y'));
    expect(r.siblings.map((s) => s.dot)).to.deep.equal([{ node: 'a', counter: 8 }]);
    expect(vvGet(r.vv, 'a')).to.equal(8);
  });

  it('always: new dot is fresh, covered by the vv, the only sibling ctx covers is gone, vv = join + dot', () => {
    fc.assert(
      fc.property(
        arbRecord(),
        arbRecord(),
        fc.constantFrom('a', 'b', 'c', 'e'),
        (local: VRecord, ctxRec: VRecord, node) => {
          const ctx = ctxRec.vv;
          const r = applyWrite(local, ctx, node, write('new'));
          const counter = Math.max(vvGet(local.vv, node), vvGet(ctx, node)) + 1;
          const fresh = r.siblings.filter((s) => s.dot.node === node && s.dot.counter === counter);
          expect(fresh.map(valueOf)).to.deep.equal(['new']);
          for (const s of r.siblings) {
            expect(coversDot(r.vv, s.dot)).to.equal(true);
            if (s !== fresh[0]) expect(coversDot(ctx, s.dot)).to.equal(false);
          }
          const kept = local.siblings.filter((s) => !coversDot(ctx, s.dot));
          expect(r.siblings.length).to.equal(kept.length + 1);
          for (const n of new Set([...local.vv.keys(), ...ctx.keys(), node])) {
            const want = n === node ? counter : Math.max(vvGet(local.vv, n), vvGet(ctx, n));
            expect(vvGet(r.vv, n)).to.equal(want);
          }
        },
      ),
    );
  });
});
