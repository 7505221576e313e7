import { expect } from 'chai';
import fc from 'fast-check';
import { RingError } from '../../lib/ring/errors';
import { SLOT_COUNT } from '../../lib/ring/key-slot';
import { ownedSlots, ownershipChanges } from '../../lib/ring/ownership';
import { preferenceList, preferenceListWithFallbacks } from '../../lib/ring/preference';
import { PARTITION_COUNT, partitionOf, partitionSlots, SLOTS_PER_PARTITION } from '../../lib/ring/partitions';
import { buildRing } from '../../lib/ring/ring';
import { slotRanges } from '../../lib/ring/slot-ranges';
import { equalMembers, membersArb } from './helpers';

describe('ring/slotRanges', function () {
  this.timeout(20000);
  const ring = buildRing(equalMembers(5, 2), { vnodesPerWeight: 16 });

  it('covers 0..16383 exactly once, in order, each range with one preference list', () => {
    const ranges = slotRanges(ring, 3);
    expect(ranges[0]?.start).to.equal(0);
    expect(ranges[ranges.length - 1]?.end).to.equal(SLOT_COUNT - 1);
    ranges.forEach((r, i) => {
      expect(r.end).to.be.at.least(r.start);
      if (i > 0) expect(r.start).to.equal((ranges[i - 1] as { end: number }).end + 1);
      for (const slot of [r.start, r.end]) expect(preferenceList(ring, slot, 3)).to.deep.equal(r.nodes);
      if (i > 0) expect(r.nodes).to.not.deep.equal((ranges[i - 1] as { nodes: readonly string[] }).nodes);
    });
  });

  it('uses the healthy lists with fallbacks when given isUp', () => {
    const isUp = (id: string): boolean => id !== 'node-2';
    for (const r of slotRanges(ring, 3, isUp)) {
      expect(r.nodes).to.not.include('node-2');
      expect(preferenceListWithFallbacks(ring, r.start, 3, isUp).map((e) => e.id)).to.deep.equal(r.nodes);
    }
  });

  it('gives at most one range per partition, on partition boundaries, covering every slot (property)', () => {
    fc.assert(
      fc.property(membersArb(1, 12), fc.integer({ min: 1, max: 4 }), (ms, n) => {
        const ranges = slotRanges(buildRing(ms, { vnodesPerWeight: 8 }), n);
        expect(ranges.length).to.be.at.most(PARTITION_COUNT);
        let next = 0;
        for (const r of ranges) {
          expect(r.start).to.equal(next);
          expect(r.start % SLOTS_PER_PARTITION).to.equal(0);
          expect((r.end + 1) % SLOTS_PER_PARTITION).to.equal(0);
          expect(r.nodes).to.have.length(Math.min(n, ms.length));
          next = r.end + 1;
        }
        expect(next).to.equal(SLOT_COUNT);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps every slot of a partition on one list, and partitionOf names it', () => {
    for (const slot of [0, 15, 16, 8191, 16383]) {
      const partition = partitionOf(slot);
      const { start, end } = partitionSlots(partition);
      expect(slot).to.be.within(start, end);
      expect(preferenceList(ring, slot, 3)).to.deep.equal(preferenceList(ring, start, 3));
    }
    expect(() => partitionOf(16384)).to.throw(RingError).with.property('code', 'RING_INVALID_SLOT');
    expect(() => partitionSlots(PARTITION_COUNT)).to.throw(RingError).with.property('code', 'RING_INVALID_PARTITION');
  });

  it('is one range on a single-node ring', () => {
    expect(slotRanges(buildRing(equalMembers(1), { vnodesPerWeight: 4 }), 3)).to.deep.equal([{ start: 0, end: 16383, nodes: ['node-0'] }]);
  });
});

describe('ring/ownership', function () {
  this.timeout(20000);

  it('ownedSlots lists exactly the slots whose first n include the node', () => {
    const ring = buildRing(equalMembers(4, 2), { vnodesPerWeight: 16 });
    const owned = new Set(ownedSlots(ring, 'node-1', 2));
    for (let slot = 0; slot < SLOT_COUNT; slot++) expect(owned.has(slot)).to.equal(preferenceList(ring, slot, 2).includes('node-1'));
    expect(ownedSlots(ring, 'stranger', 2)).to.deep.equal([]);
  });

  it('on a join, the joiner gains its share, and what nodes lose adds up to what nodes gain', () => {
    const before = buildRing(equalMembers(6, 3), { vnodesPerWeight: 16 });
    const after = buildRing(equalMembers(7, 3), { vnodesPerWeight: 16 });
    const changes = ownershipChanges(before, after, 3);
    let lost = 0;
    let gained = 0;
    for (const change of changes.values()) {
      lost += change.lost.length;
      gained += change.gained.length;
    }
    const joiner = changes.get('node-6');
    expect(joiner?.lost).to.deep.equal([]);
    expect(joiner?.gained).to.deep.equal(ownedSlots(after, 'node-6', 3));
    expect(lost).to.equal(gained);
    expect((gained - (joiner?.gained.length ?? 0)) / (3 * SLOT_COUNT)).to.be.at.most(0.05);
  });

  it('on a leave, the leaver loses everything it held and the others lose little', () => {
    const before = buildRing(equalMembers(7, 3), { vnodesPerWeight: 16 });
    const after = buildRing(equalMembers(6, 3), { vnodesPerWeight: 16 });
    const changes = ownershipChanges(before, after, 3);
    let othersLost = 0;
    for (const [id, change] of changes) if (id !== 'node-6') othersLost += change.lost.length;
    expect(changes.get('node-6')?.lost).to.deep.equal(ownedSlots(before, 'node-6', 3));
    expect(othersLost / (3 * SLOT_COUNT)).to.be.at.most(0.05);
  });
});
