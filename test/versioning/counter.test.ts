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
import { counterDelta } from '../../lib/versioning/counter';

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
});
