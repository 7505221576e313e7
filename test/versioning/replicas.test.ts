/**
 * Whole histories on three replicas: clients read (a quorum read that includes the replica they
 * last wrote to, as R + W > N gives), write through a replica with the context of their own last
 * read, and replicas merge with one another, in random interleavings.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  applyWrite,
  coversDot,
  emptyRecord,
  encodeRecord,
  mergeRecords,
  recordsEqual,
  type Dot,
  type VersionVector,
  type VRecord,
} from '../../lib/versioning';
import { bytes, valueOf } from './arbitraries';

const REPLICAS = ['n0', 'n1', 'n2'];

type Op =
  | { readonly kind: 'read'; readonly client: number; readonly replica: number }
  | { readonly kind: 'write'; readonly client: number; readonly replica: number; readonly del: boolean }
  | { readonly kind: 'merge'; readonly from: number; readonly to: number };

const arbOps = (clients: number, maxLength: number): fc.Arbitrary<Op[]> =>
  fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('read' as const), client: fc.nat(clients - 1), replica: fc.nat(2) }),
      fc.record({
        kind: fc.constant('write' as const),
        client: fc.nat(clients - 1),
        replica: fc.nat(2),
        del: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('merge' as const), from: fc.nat(2), to: fc.nat(2) }),
    ),
    { maxLength },
  );

interface Client {
  ctx: VersionVector;
  /** the replica the client last wrote through, until it reads again */
  wroteTo: number | undefined;
  mustRead: boolean;
}

interface WriteLog {
  readonly dot: Dot;
  readonly value: string;
  readonly ctx: VersionVector;
}

interface Run {
  readonly replicas: VRecord[];
  readonly writes: WriteLog[];
  readonly maxSiblings: number;
}

/** Replays ops; `readBeforeWrite` makes a client that has not read since its last write read first. */
function run(ops: readonly Op[], clients: number, readBeforeWrite: boolean): Run {
  const replicas: VRecord[] = REPLICAS.map(() => emptyRecord());
  const cs: Client[] = Array.from({ length: clients }, () => ({ ctx: new Map(), wroteTo: undefined, mustRead: false }));
  const writes: WriteLog[] = [];
  let maxSiblings = 0;
  const read = (c: Client, replica: number): VRecord => {
    const rec = c.wroteTo === undefined ? replicas[replica]! : mergeRecords(replicas[replica]!, replicas[c.wroteTo]!);
    maxSiblings = Math.max(maxSiblings, rec.siblings.length);
    c.ctx = rec.vv;
    c.mustRead = false;
    return rec;
  };
  ops.forEach((op, t) => {
    if (op.kind === 'merge') {
      replicas[op.to] = mergeRecords(replicas[op.to]!, replicas[op.from]!);
    } else if (op.kind === 'read') {
      read(cs[op.client]!, op.replica);
    } else {
      const c = cs[op.client]!;
      if (readBeforeWrite && c.mustRead) read(c, op.replica);
      const value = `w${t}`;
      const rec = applyWrite(replicas[op.replica]!, c.ctx, REPLICAS[op.replica]!, {
        payload: op.del ? { kind: 'tombstone' } : bytes(value),
        ts: t,
        expireAt: null,
      });
      replicas[op.replica] = rec;
      const fresh = rec.siblings.find((s) => s.ts === t)!;
      writes.push({ dot: fresh.dot, value: op.del ? 'tombstone' : value, ctx: c.ctx });
      c.wroteTo = op.replica;
      c.mustRead = true;
    }
    for (const r of replicas) maxSiblings = Math.max(maxSiblings, r.siblings.length);
  });
  return { replicas, writes, maxSiblings };
}

function mergeEverywhere(replicas: VRecord[]): VRecord[] {
  const all = replicas.reduce((acc, r) => mergeRecords(acc, r), emptyRecord());
  return replicas.map((r) => mergeRecords(r, all));
}

describe('versioning: replicas under concurrent clients', () => {
  it('never holds more siblings than there are clients that read before they write', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((k) => fc.tuple(fc.constant(k), arbOps(k, 80))), ([k, ops]) => {
        expect(run(ops, k, true).maxSiblings).to.be.at.most(k);
      }),
      { numRuns: 300 },
    );
  });

  it('stays at two siblings through a long stream of two clients writing concurrently', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 500; i++) {
      ops.push({ kind: 'write', client: i % 2, replica: i % 3, del: false });
      if (i % 7 === 0) ops.push({ kind: 'merge', from: i % 3, to: (i + 1) % 3 });
    }
    const { replicas, maxSiblings } = run(ops, 2, true);
    expect(maxSiblings).to.be.at.most(2);
    for (const r of mergeEverywhere(replicas)) expect(r.siblings.length).to.be.at.most(2);
  });

  it('converges after merging everything everywhere, losing no update nobody saw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((k) => fc.tuple(fc.constant(k), arbOps(k, 60))), fc.boolean(), ([k, ops], rbw) => {
        const { replicas, writes } = run(ops, k, rbw);
        const final = mergeEverywhere(replicas);
        for (const r of final) {
          expect(recordsEqual(r, final[0]!)).to.equal(true);
          expect(encodeRecord(r).equals(encodeRecord(final[0]!))).to.equal(true);
        }
        const dots = new Set(writes.map((w) => `${w.dot.node}:${w.dot.counter}`));
        expect(dots.size, 'every write got its own dot').to.equal(writes.length);
        const present = final[0]!.siblings.map((s) => `${s.dot.node}:${s.dot.counter}=${valueOf(s)}`);
        // Exactly the writes no later write's context saw survive, with their own value.
        const expected = writes
          .filter((w) => !writes.some((later) => coversDot(later.ctx, w.dot)))
          .map((w) => `${w.dot.node}:${w.dot.counter}=${w.value}`)
          .sort();
        expect([...present].sort()).to.deep.equal(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps two writes made concurrently on opposite sides of a partition', () => {
    const ops: Op[] = [
      { kind: 'write', client: 0, replica: 0, del: false },
      { kind: 'merge', from: 0, to: 1 },
      { kind: 'merge', from: 0, to: 2 },
      { kind: 'read', client: 0, replica: 0 },
      { kind: 'read', client: 1, replica: 2 },
      { kind: 'write', client: 0, replica: 0, del: false },
      { kind: 'write', client: 1, replica: 2, del: false },
    ];
    const final = mergeEverywhere(run(ops, 2, true).replicas);
    expect(final[1]!.siblings.map(valueOf)).to.deep.equal(['w5', 'w6']);
  });
});
