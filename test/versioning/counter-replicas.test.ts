/**
 * Counters on three replicas under random interleavings of increments and merges: each replica's
 * value is exactly the sum of the increments it has causally seen — none lost, none doubled — and
 * once every replica has merged everything, all show the sum of all increments.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { applyWrite, emptyRecord, liveSiblings, mergeRecords, type VRecord } from '../../lib/versioning';
import { counterDelta, counterValue, joinCounterSiblings } from '../../lib/versioning/counter';

const NODES = ['a', 'b', 'c'] as const;

type Op =
  | { readonly kind: 'incr'; readonly at: number; readonly delta: bigint; readonly ts: number }
  | { readonly kind: 'merge'; readonly from: number; readonly to: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('incr' as const),
    at: fc.integer({ min: 0, max: 2 }),
    delta: fc.bigInt({ min: -1000n, max: 1000n }),
    ts: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant('merge' as const), from: fc.integer({ min: 0, max: 2 }), to: fc.integer({ min: 0, max: 2 }) }),
);

/** what GET shows of a counter-only record */
function shown(rec: VRecord): bigint {
  return counterValue(joinCounterSiblings(liveSiblings(rec, 0)));
}

function incrAt(rec: VRecord, node: string, delta: bigint, ts: number): VRecord {
  return applyWrite(rec, rec.vv, node, { payload: counterDelta(delta), ts, expireAt: null });
}

describe('versioning: counters on three replicas', () => {
  it('each replica shows exactly the sum of the increments it has seen, through any interleaving of merges', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 60 }), (ops) => {
        const replicas: VRecord[] = NODES.map(() => emptyRecord());
        const seen: Array<Map<number, bigint>> = NODES.map(() => new Map());
        ops.forEach((op, id) => {
          if (op.kind === 'incr') {
            replicas[op.at] = incrAt(replicas[op.at]!, NODES[op.at]!, op.delta, op.ts);
            seen[op.at]!.set(id, op.delta);
          } else {
            replicas[op.to] = mergeRecords(replicas[op.to]!, replicas[op.from]!);
            for (const [k, d] of seen[op.from]!) seen[op.to]!.set(k, d);
          }
          for (let i = 0; i < NODES.length; i++) {
            let expected = 0n;
            for (const d of seen[i]!.values()) expected += d;
            expect(shown(replicas[i]!), `replica ${NODES[i]} after op ${id}`).to.equal(expected);
          }
        });
        const all = replicas.reduce((acc, r) => mergeRecords(acc, r), emptyRecord());
        const total = ops.reduce((acc, op) => acc + (op.kind === 'incr' ? op.delta : 0n), 0n);
        expect(shown(all)).to.equal(total);
        // and the next increment through any node folds the concurrent siblings into one
        const folded = incrAt(all, 'b', 1n, 9);
        expect(folded.siblings).to.have.length(1);
        expect(shown(folded)).to.equal(total + 1n);
      }),
      { numRuns: 500 },
    );
  });

  it('merges of counter records in any order and any grouping end in the same state', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }), (ops, order) => {
        const replicas: VRecord[] = NODES.map(() => emptyRecord());
        for (const op of ops) {
          if (op.kind === 'incr') replicas[op.at] = incrAt(replicas[op.at]!, NODES[op.at]!, op.delta, op.ts);
          else replicas[op.to] = mergeRecords(replicas[op.to]!, replicas[op.from]!);
        }
        const [x, y, z] = order.map((i) => replicas[i]!) as [VRecord, VRecord, VRecord];
        const left = mergeRecords(mergeRecords(x, y), z);
        const right = mergeRecords(x, mergeRecords(z, y));
        expect(shown(left)).to.equal(shown(right));
        expect(shown(mergeRecords(left, left))).to.equal(shown(left));
      }),
      { numRuns: 300 },
    );
  });
});
