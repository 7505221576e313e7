import { expect } from 'chai';
import { peerAllowsReap, reapCandidate } from '../../lib/antientropy/reap';
import { vvFrom } from '../../lib/versioning';
import type { Sibling, VRecord } from '../../lib/versioning/types';

const tomb = (node: string, counter: number, ts: number): Sibling => ({ dot: { node, counter }, payload: { kind: 'tombstone' }, ts, expireAt: null });
const val = (node: string, counter: number, ts: number, expireAt: number | null = null): Sibling =>
  ({ dot: { node, counter }, payload: { kind: 'bytes', data: Buffer.from('v') }, ts, expireAt });
const rec = (vv: Array<[string, number]>, ...siblings: Sibling[]): VRecord => ({ vv: vvFrom(vv), siblings });
const EMPTY = rec([]);

describe('tombstone GC rules (reap.ts)', () => {
  it('a record is a candidate once every sibling has been dead for the grace period', () => {
    const r = rec([['a', 2]], tomb('a', 2, 1_000));
    expect(reapCandidate(r, 1_999, 1_000)).to.equal(false);
    expect(reapCandidate(r, 2_000, 1_000)).to.equal(true);
  });

  it('an expired value counts from its expiry, a live value or an empty record never', () => {
    expect(reapCandidate(rec([['a', 1]], val('a', 1, 0, 5_000)), 5_999, 1_000)).to.equal(false);
    expect(reapCandidate(rec([['a', 1]], val('a', 1, 0, 5_000)), 6_000, 1_000)).to.equal(true);
    expect(reapCandidate(rec([['a', 1]], val('a', 1, 0)), 1e12, 1_000)).to.equal(false);
    expect(reapCandidate(rec([['a', 2], ['b', 1]], tomb('a', 2, 0), val('b', 1, 0)), 1e12, 1_000)).to.equal(false);
    expect(reapCandidate(EMPTY, 1e12, 0)).to.equal(false);
  });

  it('a peer allows reaping when it holds nothing, or a dead record that has seen everything ours has', () => {
    const ours = rec([['a', 2], ['b', 1]], tomb('a', 2, 10));
    expect(peerAllowsReap(EMPTY, ours, 100)).to.equal(true);
    expect(peerAllowsReap(ours, ours, 100)).to.equal(true);
    expect(peerAllowsReap(rec([['a', 3], ['b', 1]], tomb('a', 3, 20)), ours, 100), 'a newer delete').to.equal(true);
  });

  it('a peer that missed the delete, or holds a live value, stops it', () => {
    const ours = rec([['a', 2], ['b', 1]], tomb('a', 2, 10));
    expect(peerAllowsReap(rec([['a', 1]], val('a', 1, 0)), ours, 100), 'the old value').to.equal(false);
    expect(peerAllowsReap(rec([['a', 1], ['b', 1]], tomb('b', 1, 5)), ours, 100), 'an older delete only').to.equal(false);
    expect(peerAllowsReap(rec([['a', 2], ['b', 1], ['c', 1]], tomb('a', 2, 10), val('c', 1, 50)), ours, 100), 'a newer value').to.equal(false);
  });
});
