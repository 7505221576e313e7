/** Ownership transfer plans: what a joiner pulls and from whom, what a leaver pushes and to whom. */
import { expect } from 'chai';
import { buildRing, ownedSlots, preferenceList } from '../../lib/ring';
import { catchUpPlan, gainedSlots, inSpans, pullPlan, pushPlan, spanSlots, spansOf } from '../../lib/transfer/plan';
import { decodePullReply, decodePullRequest, encodePullReply, encodePullRequest } from '../../lib/transfer/messages';
import { encodeRecord, emptyRecord } from '../../lib/versioning';
import { keySlot } from '../../lib/ring';

const ring = (ids: string[]) => buildRing(ids.map((id) => ({ id, zone: 'z', weight: 1 })), { vnodesPerWeight: 16 });

describe('transfer: plans', () => {
  it('spans cover exactly the given slots, merging neighbours', () => {
    const spans = spansOf([1, 2, 3, 7, 9, 10]);
    expect(spans).to.deep.equal([[1, 3], [7, 7], [9, 10]]);
    expect(spanSlots(spans)).to.equal(6);
    expect([0, 1, 3, 4, 7, 8, 10, 11].map((s) => inSpans(spans, s))).to.deep.equal([false, true, true, false, true, false, true, false]);
  });

  it('a joiner pulls every slot it gains, each from every previous holder', () => {
    const before = ring(['a', 'b', 'c', 'd', 'e']);
    const after = ring(['a', 'b', 'c', 'd', 'e', 'f']);
    const gained = gainedSlots(before, after, 'f', 3);
    expect(gained).to.deep.equal(ownedSlots(after, 'f', 3));
    const plan = pullPlan(before, after, 'f', 3);
    for (const slot of gained) {
      for (const id of preferenceList(before, slot, 3)) expect(inSpans(plan.get(id)!, slot), `slot ${slot} from ${id}`).to.equal(true);
    }
    const asked = [...plan.values()].reduce((n, s) => n + spanSlots(s), 0);
    expect(asked).to.equal(gained.length * 3);
  });

  it("a joiner's catch-up after its join asks only the holders that leave a gained slot", () => {
    const before = ring(['a', 'b', 'c', 'd', 'e']);
    const after = ring(['a', 'b', 'c', 'd', 'e', 'f']);
    const plan = catchUpPlan(before, after, 'f', 3);
    const gained = gainedSlots(before, after, 'f', 3);
    let asked = 0;
    for (const slot of gained) {
      const stays = preferenceList(after, slot, 3);
      for (const id of preferenceList(before, slot, 3)) {
        const leaves = !stays.includes(id);
        expect(plan.has(id) && inSpans(plan.get(id)!, slot), `slot ${slot} from ${id}`).to.equal(leaves);
        if (leaves) asked++;
      }
    }
    expect([...plan.values()].reduce((n, s) => n + spanSlots(s), 0)).to.equal(asked);
    // at least one holder gives way to the joiner per slot, far fewer than every holder
    expect(asked).to.be.at.least(gained.length).and.below(gained.length * 2);
    // with no more nodes than replicas, every holder stays: nothing to pull
    expect(catchUpPlan(ring(['a', 'b']), ring(['a', 'b', 'c']), 'c', 3).size).to.equal(0);
  });

  it("a leaver pushes each slot it held to the node that takes its place, and nothing it did not hold", () => {
    const before = ring(['a', 'b', 'c', 'd', 'e', 'f']);
    const after = ring(['a', 'b', 'c', 'd', 'e']);
    const plan = pushPlan(before, after, 'f', 3);
    const held = new Set(ownedSlots(before, 'f', 3));
    for (const slot of held) {
      const newcomers = preferenceList(after, slot, 3).filter((id) => !preferenceList(before, slot, 3).includes(id));
      for (const id of newcomers) expect(inSpans(plan.get(id)!, slot), `slot ${slot} to ${id}`).to.equal(true);
    }
    for (const spans of plan.values()) for (const [a, b] of spans) for (let s = a; s <= b; s++) expect(held.has(s)).to.equal(true);
  });
});

describe('transfer: messages', () => {
  it('a pull request round-trips and rejects overlapping spans', () => {
    const req = { spans: [[0, 10], [20, 30]] as Array<readonly [number, number]>, cursor: { slot: 5, key: Buffer.from('k') }, limit: 100 };
    expect(decodePullRequest(encodePullRequest(req))).to.deep.equal(req);
    expect(() => decodePullRequest(encodePullRequest({ ...req, spans: [[0, 10], [5, 30]] }))).to.throw().with.property('code', 'BAD_MESSAGE');
  });

  it('a pull reply carrying a key outside the asked slots is refused', () => {
    const k = Buffer.from('somekey');
    const slot = keySlot(k);
    const other = slot === 0 ? [1, 1] as const : [0, 0] as const;
    const body = encodePullReply([k], [encodeRecord(emptyRecord())], null);
    expect(decodePullReply(body, { spans: [[slot, slot]], cursor: null, limit: 10 }).keys[0]).to.deep.equal(k);
    expect(() => decodePullReply(body, { spans: [other], cursor: null, limit: 10 })).to.throw().with.property('code', 'TRANSFER_BAD_PAGE');
  });
});
