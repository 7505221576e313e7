import { expect } from 'chai';
import fc from 'fast-check';
import { RingError } from '../../lib/ring/errors';
import { buildRing, ringChecksum } from '../../lib/ring/ring';
import { walk } from '../../lib/ring/preference';
import { PARTITION_COUNT } from '../../lib/ring/partitions';
import { equalMembers, membersArb, movement, primaryCounts, rankCounts, slotsArb } from './helpers';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RingError ? err.code : 'not a RingError';
  }
  return undefined;
}

describe('ring/buildRing', function () {
  this.timeout(20000);

  it('gives each member max(1, round(weight × vnodesPerWeight)) virtual nodes', () => {
    const ring = buildRing(
      [
        { id: 'a', zone: 'z', weight: 1 },
        { id: 'b', zone: 'z', weight: 2.5 },
        { id: 'c', zone: 'z', weight: 0.001 },
      ],
      { vnodesPerWeight: 64 },
    );
    expect(ring.members.map((m) => [m.id, m.vnodes])).to.deep.equal([['a', 64], ['b', 160], ['c', 1]]);
  });

  it('rejects duplicate ids, bad weights and bad options with stable codes', () => {
    expect(codeOf(() => buildRing([{ id: 'a', zone: 'z', weight: 1 }, { id: 'a', zone: 'y', weight: 1 }], { vnodesPerWeight: 1 }))).to.equal('RING_DUPLICATE_MEMBER');
    expect(codeOf(() => buildRing([{ id: 'a', zone: 'z', weight: 0 }], { vnodesPerWeight: 1 }))).to.equal('RING_INVALID_MEMBER');
    expect(codeOf(() => buildRing([{ id: '', zone: 'z', weight: 1 }], { vnodesPerWeight: 1 }))).to.equal('RING_INVALID_MEMBER');
    expect(codeOf(() => buildRing([], { vnodesPerWeight: 0 }))).to.equal('RING_INVALID_OPTION');
    expect(codeOf(() => buildRing([], { vnodesPerWeight: 1, tableN: 0 }))).to.equal('RING_INVALID_OPTION');
  });

  it('is the same ring whatever the order of the member list (property)', () => {
    fc.assert(
      fc.property(membersArb(1, 8).chain((ms) => fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length }), slotsArb)), ([ms, shuffled, slots]) => {
        const a = buildRing(ms, { vnodesPerWeight: 16 });
        const b = buildRing(shuffled, { vnodesPerWeight: 16 });
        expect(ringChecksum(a)).to.equal(ringChecksum(b));
        expect(Buffer.from(a.table.buffer).equals(Buffer.from(b.table.buffer))).to.equal(true);
        for (const slot of slots) expect(walk(a, slot)).to.deep.equal(walk(b, slot));
      }),
      { numRuns: 30 },
    );
  });

  it('changes the checksum when a member, weight, zone or vnode count changes, and only then', () => {
    const base = equalMembers(4, 2);
    const sum = (ms: typeof base, v = 64): string => ringChecksum(buildRing(ms, { vnodesPerWeight: v }));
    const reference = sum(base);
    expect(sum([...base].reverse())).to.equal(reference);
    expect(sum(base.slice(1))).to.not.equal(reference);
    expect(sum(base.map((m, i) => (i === 0 ? { ...m, weight: 2 } : m)))).to.not.equal(reference);
    expect(sum(base.map((m, i) => (i === 0 ? { ...m, zone: 'elsewhere' } : m)))).to.not.equal(reference);
    expect(sum(base, 32)).to.not.equal(reference);
    expect(ringChecksum(buildRing(base, { vnodesPerWeight: 64, tableN: 4 }))).to.not.equal(reference);
  });

  it('gives primaries exactly at quota: largest-remainder shares of 1024 partitions ∝ vnodes (property)', () => {
    fc.assert(
      fc.property(membersArb(1, 10), (ms) => {
        const ring = buildRing(ms, { vnodesPerWeight: 8 });
        const counts = rankCounts(ring, 0);
        const total = ring.members.reduce((a, m) => a + m.vnodes, 0);
        expect(ring.members.reduce((a, m) => a + m.quota, 0)).to.equal(PARTITION_COUNT);
        for (const m of ring.members) {
          expect(counts.get(m.id), m.id).to.equal(m.quota);
          expect(Math.abs(m.quota - (PARTITION_COUNT * m.vnodes) / total), m.id).to.be.below(1);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('balances 10 equal nodes within max/mean ≤ 1.10 of slots as primary', () => {
    for (const prefix of ['node', 'host', '10.0.0']) {
      const counts = [...primaryCounts(buildRing(equalMembers(10, 3, prefix), { vnodesPerWeight: 64 })).values()];
      const mean = 16384 / 10;
      expect(Math.max(...counts) / mean, prefix).to.be.at.most(1.1);
      expect(Math.min(...counts) / mean, prefix).to.be.at.least(0.9);
    }
  });

  it('balances the second and third replicas of 10 equal nodes within 10% when zones are even', () => {
    for (const zones of [1, 2, 5]) {
      const ring = buildRing(equalMembers(10, zones), { vnodesPerWeight: 64 });
      for (const rank of [1, 2]) {
        const counts = [...rankCounts(ring, rank).values()];
        const mean = PARTITION_COUNT / 10;
        expect(Math.max(...counts) / mean, `zones ${zones} rank ${rank}`).to.be.at.most(1.1);
        expect(Math.min(...counts) / mean, `zones ${zones} rank ${rank}`).to.be.at.least(0.9);
      }
    }
  });

  it('gives a weight-2 node twice the slots of a weight-1 node (±10%)', () => {
    const members = equalMembers(9, 3).concat({ id: 'big', zone: 'zone-0', weight: 2 });
    const counts = primaryCounts(buildRing(members, { vnodesPerWeight: 64 }));
    const others = [...counts].filter(([id]) => id !== 'big').map(([, c]) => c);
    const meanOther = others.reduce((a, b) => a + b, 0) / others.length;
    const ratio = (counts.get('big') as number) / meanOther;
    expect(ratio).to.be.within(1.8, 2.2);
  });

  it('on a join 10 → 11 moves about 1/11 of primaries, nearly all to the joiner', () => {
    const before = buildRing(equalMembers(10, 3), { vnodesPerWeight: 64 });
    const after = buildRing(equalMembers(11, 3), { vnodesPerWeight: 64 });
    const { moves, toOthers } = movement(before, after, 1, 'node-10');
    const ideal = PARTITION_COUNT / 11;
    expect(moves).to.be.within(ideal, ideal * 1.3);
    expect(moves - toOthers).to.equal(rankCounts(after, 0).get('node-10'));
    expect(toOthers / PARTITION_COUNT).to.be.at.most(0.03);
  });

  it('moves few primaries between old nodes on a join or, read backwards, a leave (property)', () => {
    fc.assert(
      fc.property(membersArb(1, 8), fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('a', 'e'), (ms, newId, zone) => {
        fc.pre(!ms.some((m) => m.id === newId));
        const small = buildRing(ms, { vnodesPerWeight: 8 });
        const big = buildRing([...ms, { id: newId, zone, weight: 1 }], { vnodesPerWeight: 8 });
        const { moves, toOthers } = movement(small, big, 1, newId);
        const joinerShare = (big.members.find((m) => m.id === newId) as { quota: number }).quota;
        expect(moves - toOthers).to.equal(joinerShare);
        // Read small → big as a join and big → small as the newcomer leaving again.
        expect(toOthers / PARTITION_COUNT).to.be.at.most(0.05);
      }),
      { numRuns: 25 },
    );
  });
});
