import { expect } from 'chai';
import fc from 'fast-check';
import {
  applyWrite,
  emptyRecord,
  isLive,
  latestSibling,
  liveSiblings,
  mergeRecords,
  visible,
  type NewVersion,
  type Sibling,
  type VRecord,
} from '../../lib/versioning';
import { contextExcept } from '../../lib/versioning/read';
import { arbRecord, bytes, valueOf } from './arbitraries';

const v = (s: string, ts: number, expireAt: number | null = null): NewVersion => ({
  payload: s === 'DEL' ? { kind: 'tombstone' } : bytes(s),
  ts,
  expireAt,
});

/** Concurrent writes (blind, through the given nodes), merged. */
function concurrent(...writes: Array<[string, NewVersion]>): VRecord {
  return writes
    .map(([node, nv]) => applyWrite(emptyRecord(), new Map(), node, nv))
    .reduce((acc, r) => mergeRecords(acc, r), emptyRecord());
}

describe('versioning: reads (visible, latestSibling, liveSiblings)', () => {
  it('shows nothing for a record without siblings', () => {
    expect(latestSibling(emptyRecord())).to.equal(undefined);
    expect(visible(emptyRecord(), 0)).to.equal(undefined);
  });

  it('shows the sibling with the latest timestamp', () => {
    const r = concurrent(['a', v('late', 20)], ['b', v('early', 10)]);
    expect(valueOf(visible(r, 0)!)).to.equal('late');
    expect(liveSiblings(r, 0).map(valueOf)).to.deep.equal(['late', 'early']);
  });

  it('hides older siblings behind a later concurrent delete', () => {
    const r = concurrent(['a', v('old', 10)], ['b', v('DEL', 20)]);
    expect(visible(r, 0)).to.equal(undefined);
    expect(liveSiblings(r, 0).map(valueOf)).to.deep.equal(['old']);
  });

  it('hides older siblings once the latest one expires', () => {
    const r = concurrent(['a', v('old', 10)], ['b', v('new', 20, 100)]);
    expect(valueOf(visible(r, 99)!)).to.equal('new');
    expect(visible(r, 100)).to.equal(undefined);
    expect(liveSiblings(r, 100).map(valueOf)).to.deep.equal(['old']);
  });

  it('counts a sibling as expired exactly when expireAt <= now', () => {
    const s: Sibling = { dot: { node: 'a', counter: 1 }, payload: bytes('x'), ts: 0, expireAt: 50 };
    expect(isLive(s, 49)).to.equal(true);
    expect(isLive(s, 50)).to.equal(false);
    expect(isLive({ ...s, expireAt: null }, Number.MAX_SAFE_INTEGER)).to.equal(true);
    expect(isLive({ ...s, payload: { kind: 'tombstone' } }, 0)).to.equal(false);
  });

  it('breaks timestamp ties by node name, then counter', () => {
    expect(valueOf(latestSibling(concurrent(['b', v('from-b', 5)], ['a', v('from-a', 5)]))!)).to.equal('from-b');
    const sameNode = applyWrite(applyWrite(emptyRecord(), new Map(), 'a', v('first', 5)), new Map(), 'a', v('second', 5));
    expect(valueOf(latestSibling(sameNode)!)).to.equal('second');
  });

  it('picks the same latest sibling whatever order the siblings are merged or listed in', () => {
    fc.assert(
      fc.property(arbRecord(), arbRecord(), (a, b) => {
        const ab = latestSibling(mergeRecords(a, b));
        const ba = latestSibling(mergeRecords(b, a));
        expect(ab).to.deep.equal(ba);
        const shuffled: VRecord = { vv: a.vv, siblings: [...a.siblings].reverse() };
        expect(latestSibling(shuffled)).to.equal(latestSibling(a));
        for (const s of a.siblings) expect(s.ts <= latestSibling(a)!.ts).to.equal(true);
      }),
    );
  });
});

describe('versioning: contextExcept (a write made from one sibling)', () => {
  const values = (r: VRecord): string[] => r.siblings.map(valueOf);

  it('replaces the sibling it was made from and leaves the other live ones, on the coordinator and after a merge', () => {
    const rec = concurrent(['n1', v('a', 10)], ['n2', v('b', 20)]);
    const keep = visible(rec, 0)!;
    expect(valueOf(keep)).to.equal('b');
    const next = applyWrite(rec, contextExcept(rec, keep, 0), 'n3', v('b+', 30));
    expect(values(next).sort()).to.deep.equal(['a', 'b+']);
    // a replica that still holds both merges to the same
    expect(values(mergeRecords(rec, next)).sort()).to.deep.equal(['a', 'b+']);
    // the record's own context replaces both
    expect(values(applyWrite(rec, rec.vv, 'n3', v('b+', 30)))).to.deep.equal(['b+']);
  });

  it('covers dead siblings, and an earlier sibling of the kept one\'s own node (a vector cannot leave it out)', () => {
    const dead = concurrent(['n1', v('DEL', 10)], ['n2', v('b', 20)]);
    expect(values(applyWrite(dead, contextExcept(dead, visible(dead, 0)!, 0), 'n3', v('b+', 30)))).to.deep.equal(['b+']);
    const expired = concurrent(['n1', v('a', 10, 5)], ['n2', v('b', 20)]);
    expect(values(applyWrite(expired, contextExcept(expired, visible(expired, 100)!, 100), 'n3', v('b+', 30)))).to.deep.equal(['b+']);
    // n1 wrote 'a' and then, not having seen it (a client's empty context), 'b': both its siblings
    const first = applyWrite(emptyRecord(), new Map(), 'n1', v('a', 10));
    const both = applyWrite(first, new Map(), 'n1', v('b', 20));
    expect(values(both)).to.deep.equal(['a', 'b']);
    expect(values(applyWrite(both, contextExcept(both, visible(both, 0)!, 0), 'n3', v('b+', 30)))).to.deep.equal(['b+']);
    // a write made from the earlier 'a' leaves the later 'b' (a vector can stop short of it)
    const older = both.siblings.find((s) => valueOf(s) === 'a')!;
    expect(values(applyWrite(both, contextExcept(both, older, 0), 'n3', v('a+', 30))).sort()).to.deep.equal(['a+', 'b']);
  });
});
