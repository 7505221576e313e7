import { expect } from 'chai';
import fc from 'fast-check';
import {
  addToCounter,
  applyWrite,
  comparePayloads,
  counterValue,
  emptyRecord,
  joinCounters,
  joinCounterSiblings,
  mergeRecords,
  zeroCounter,
  type CounterPayload,
  type VRecord,
} from '../../lib/versioning';
import { counterDelta, stringBaseEntry } from '../../lib/versioning/counter';

const arbCounter: fc.Arbitrary<CounterPayload> = fc
  .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.bigInt({ min: -50n, max: 50n })), { maxLength: 6 })
  .map((ops) => ops.reduce((p, [node, d]) => addToCounter(p, node, d), zeroCounter()));

/** INCRBY coordinated by `node` on its replica `rec`: a delta, with the replica's own vv as context. */
function incr(rec: VRecord, node: string, delta: bigint): VRecord {
  return applyWrite(rec, rec.vv, node, { payload: counterDelta(delta), ts: 0, expireAt: null });
}

describe('versioning: PN-counter payloads', () => {
  it('adds positive deltas to increments and negative ones to decrements', () => {
    const p = addToCounter(addToCounter(zeroCounter(), 'a', 5n), 'a', -2n);
    expect(counterValue(p)).to.equal(3n);
    expect(p.inc.get('a')).to.equal(5n);
    expect(p.dec.get('a')).to.equal(2n);
    expect(counterValue(zeroCounter())).to.equal(0n);
  });

  it('join is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(arbCounter, arbCounter, arbCounter, (a, b, c) => {
        expect(comparePayloads(joinCounters(a, b), joinCounters(b, a))).to.equal(0);
        expect(comparePayloads(joinCounters(joinCounters(a, b), c), joinCounters(a, joinCounters(b, c)))).to.equal(0);
        expect(comparePayloads(joinCounters(a, a), a)).to.equal(0);
      }),
    );
  });

  it('loses no increment made on opposite sides of a partition', () => {
    let base = incr(emptyRecord(), 'a', 10n);
    let left = base;
    let right = base;
    for (let i = 0; i < 3; i++) left = incr(left, 'a', 1n);
    for (let i = 0; i < 4; i++) right = incr(right, 'b', -1n);
    base = mergeRecords(left, right);
    expect(base.siblings).to.have.length(2);
    expect(counterValue(joinCounterSiblings(base.siblings))).to.equal(10n + 3n - 4n);
    const healed = incr(base, 'c', 100n);
    expect(healed.siblings).to.have.length(1);
    expect(counterValue(joinCounterSiblings(healed.siblings))).to.equal(109n);
  });

  it('counts an integer string once when two coordinators turn it into a counter at the same time', () => {
    // SET k 100 through a, copied to b; then INCR through a and through b, each on its own replica
    const set = applyWrite(emptyRecord(), emptyRecord().vv, 'a', { payload: { kind: 'bytes', data: Buffer.from('100') }, ts: 1, expireAt: null });
    const viaA = incr(set, 'a', 1n);
    const viaB = incr(set, 'b', 1n);
    const merged = mergeRecords(viaA, viaB);
    expect(merged.siblings).to.have.length(2);
    expect(counterValue(joinCounterSiblings(merged.siblings))).to.equal(102n);
    // the same with a decrement and a third coordinator
    const viaC = incr(set, 'c', -5n);
    expect(counterValue(joinCounterSiblings(mergeRecords(merged, viaC).siblings))).to.equal(97n);
    // and a later increment over the merged siblings builds on 102
    expect(counterValue(joinCounterSiblings(incr(merged, 'a', 1n).siblings))).to.equal(103n);
  });

  it('names a string base entry after its dot, hashing a name past the node-name limit', () => {
    expect(stringBaseEntry({ node: 'n1', counter: 7 })).to.equal('=n1#7');
    const long = stringBaseEntry({ node: 'x'.repeat(255), counter: 1 });
    expect(long).to.match(/^=[0-9a-f]{64}$/);
    expect(long).to.equal(stringBaseEntry({ node: 'x'.repeat(255), counter: 1 }));
    expect(long).to.not.equal(stringBaseEntry({ node: 'x'.repeat(255), counter: 2 }));
  });
});
