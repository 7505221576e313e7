/** The history checker on small hand-made histories: each anomaly it must find, and the cases it must accept. */
import { expect } from 'chai';
import { vvFrom } from '../../lib/versioning';
import type { Dot } from '../../lib/versioning/types';
import { checkHistory, type FinalSibling, type KeyState, type ReplicaState } from './checker';
import { History, type Op, type OpKind, type OpStatus } from './history';

const dot = (node: string, counter: number): Dot => ({ node, counter });
const sib = (value: string | null, d: Dot | null = null): FinalSibling => ({ value, dot: d });

function replica(node: string, siblings: FinalSibling[], vv: Array<[string, number]> | null = null, home = true): ReplicaState {
  return { node, home, siblings, vv: vv === null ? null : vvFrom(vv) };
}

/** three home replicas holding the same thing */
function agreed(key: string, siblings: FinalSibling[], vv: Array<[string, number]> | null = null): KeyState {
  return { key, replicas: ['n0', 'n1', 'n2'].map((n) => replica(n, siblings, vv)) };
}

interface OpSpec {
  kind: OpKind;
  value?: string;
  status?: OpStatus;
  dot?: Dot;
  ctx?: Array<[string, number]>;
  seen?: string[];
}

/** the ops run one after another (each completes before the next is invoked) */
function sequential(specs: OpSpec[], key = 'k'): Op[] {
  const h = new History();
  for (const s of specs) {
    const op = h.invoke({
      client: 0, node: 0, key, kind: s.kind, value: s.value ?? null,
      ctx: s.ctx ? vvFrom(s.ctx) : null,
      ctxSeen: s.seen ? s.seen.map((value) => ({ value, dot: null })) : null,
    });
    h.complete(op, { status: s.status === undefined || s.status === 'pending' ? 'ok' : s.status, dot: s.dot ?? null });
  }
  return h.ops;
}

const kinds = (ops: Op[], finals: KeyState[]) => checkHistory(ops, finals).anomalies.map((a) => a.kind);

describe('fault checker', () => {
  it('accepts an acknowledged write that every replica holds', () => {
    const ops = sequential([{ kind: 'set', value: 'a', dot: dot('n0', 1) }]);
    expect(checkHistory(ops, [agreed('k', [sib('a', dot('n0', 1))], [['n0', 1]])]).ok).to.equal(true);
  });

  it('finds an acknowledged write that is gone with nothing that replaced it', () => {
    const ops = sequential([{ kind: 'vset', value: 'a', ctx: [], seen: [] }]);
    expect(kinds(ops, [agreed('k', [])])).to.deep.equal(['lost']);
  });

  it('accepts a write replaced by a later write whose read showed it', () => {
    const ops = sequential([{ kind: 'vset', value: 'a', ctx: [], seen: [] }, { kind: 'vset', value: 'b', ctx: [['n0', 1]], seen: ['a'] }]);
    expect(checkHistory(ops, [agreed('k', [sib('b')])]).ok).to.equal(true);
  });

  it('finds a write whose dot the final version vector never saw, whatever else was written', () => {
    const ops = sequential([{ kind: 'set', value: 'a', dot: dot('n0', 2) }, { kind: 'del', status: 'unknown' }]);
    expect(kinds(ops, [agreed('k', [sib(null, dot('n1', 1))], [['n0', 1], ['n1', 1]])])).to.deep.equal(['lost']);
  });

  it('does not count an unknown (NOQUORUM) write that is missing', () => {
    const ops = sequential([{ kind: 'set', value: 'a', status: 'unknown' }]);
    expect(checkHistory(ops, [agreed('k', [])]).ok).to.equal(true);
  });

  it('finds a value back after an acknowledged delete whose context covered it', () => {
    const ops = sequential([{ kind: 'set', value: 'a', dot: dot('n0', 1) }, { kind: 'vdel', ctx: [['n0', 1]], dot: dot('n0', 2) }]);
    expect(kinds(ops, [agreed('k', [sib('a', dot('n0', 1))], [['n0', 2]])])).to.deep.equal(['resurrected']);
  });

  it('keeps a value a delete did not cover (a concurrent write is a sibling, not a resurrection)', () => {
    const ops = sequential([{ kind: 'set', value: 'a', dot: dot('n1', 1) }, { kind: 'vdel', ctx: [['n0', 3]], dot: dot('n0', 4) }]);
    expect(checkHistory(ops, [agreed('k', [sib(null, dot('n0', 4)), sib('a', dot('n1', 1))], [['n0', 4], ['n1', 1]])]).ok).to.equal(true);
  });

  it('finds home replicas that disagree, and a version only a fallback holds', () => {
    const ops = sequential([{ kind: 'set', value: 'a', status: 'unknown' }, { kind: 'set', value: 'b', status: 'unknown' }]);
    const ks: KeyState = {
      key: 'k',
      replicas: [replica('n0', [sib('a')]), replica('n1', [sib('a'), sib('b')]), replica('n3', [sib('c', dot('n3', 1))], [['n3', 1]], false)],
    };
    expect(kinds(ops, [ks])).to.include.members(['diverged', 'stranded']);
  });

  it('finds one write stored under two dots, and two writes given one dot', () => {
    const ops = sequential([{ kind: 'set', value: 'a', dot: dot('n0', 1) }, { kind: 'set', value: 'b', dot: dot('n0', 1) }]);
    const found = kinds(ops, [agreed('k', [sib('a', dot('n1', 1)), sib('b', dot('n0', 1))], [['n0', 1], ['n1', 1]])]);
    expect(found).to.include.members(['dot-reused']);
    expect(checkHistory(ops, [agreed('k', [sib('a', dot('n1', 1)), sib('b', dot('n0', 1))], [['n0', 1], ['n1', 1]])]).duplicates.map((a) => a.kind)).to.deep.equal(['duplicated']);
  });

  it('accepts a write replaced by the copy of a concurrent write stored twice, whose context nobody recorded', () => {
    const h = new History();
    const args = { client: 0, node: 0, key: 'k', ctxSeen: null } as const;
    const w = h.invoke({ ...args, kind: 'vset', value: 'w', ctx: vvFrom([['n1', 30]]) });
    const x = h.invoke({ ...args, client: 1, kind: 'set', value: 'x', ctx: vvFrom([['n1', 5]]) });
    h.complete(w, { status: 'ok', dot: dot('n1', 31) });
    h.complete(x, { status: 'ok', dot: dot('n2', 2) });
    // x is held twice: under the dot its client heard of, and under one a lost hop's coordinator gave it
    const finals = [agreed('k', [sib('x', dot('n2', 2)), sib('x', dot('n4', 123))], [['n1', 31], ['n2', 2], ['n4', 123]])];
    expect(checkHistory(h.ops, finals).anomalies).to.deep.equal([]);
    // held once, x's recorded context does not cover w: w is lost
    const once = [agreed('k', [sib('x', dot('n2', 2))], [['n1', 31], ['n2', 2]])];
    expect(checkHistory(h.ops, once).anomalies.map((a) => a.kind)).to.deep.equal(['lost']);
  });

  it('still finds a write lost when the twice-stored write ended before it began', () => {
    const ops = sequential([
      { kind: 'set', value: 'x', dot: dot('n2', 2), ctx: [['n1', 5]] },
      { kind: 'vset', value: 'w', ctx: [['n1', 30]], dot: dot('n1', 31) },
    ]);
    const finals = [agreed('k', [sib('x', dot('n2', 2)), sib('x', dot('n4', 123))], [['n1', 31], ['n2', 2], ['n4', 123]])];
    expect(checkHistory(ops, finals).anomalies.map((a) => a.kind)).to.deep.equal(['lost']);
  });

  it('accepts a write stored twice when a later write covered both of its versions, and finds it lost when one was not covered', () => {
    // seed 100417 (5 nodes, an OS crash): w's forwarding hop applied it as n1:31 and lost its reply,
    // the next coordinator applied it again as n3:107, and w's acknowledging record held both
    const run = (xCtx: Array<[string, number]>) => {
      const h = new History();
      const args = { client: 0, node: 0, key: 'k', ctxSeen: null } as const;
      const w = h.invoke({ ...args, kind: 'vset', value: 'w', ctx: vvFrom([['n1', 27], ['n3', 105]]) });
      h.complete(w, { status: 'ok', dot: null, copies: [dot('n1', 31), dot('n3', 107)] });
      const x = h.invoke({ ...args, client: 1, kind: 'set', value: 'x', ctx: vvFrom(xCtx) });
      h.complete(x, { status: 'ok', dot: dot('n4', 50) });
      return checkHistory(h.ops, [agreed('k', [sib('x', dot('n4', 50))], [['n1', 31], ['n3', 107], ['n4', 50]])]);
    };
    const both = run([['n1', 31], ['n3', 107], ['n4', 49]]);
    expect(both.anomalies).to.deep.equal([]);
    expect(both.duplicates.map((a) => a.kind)).to.deep.equal(['duplicated']);
    expect(run([['n1', 31], ['n3', 106], ['n4', 49]]).anomalies.map((a) => a.kind)).to.deep.equal(['lost']);
  });

  it('finds a write stored twice lost when one of its versions is not in the final version vector', () => {
    const h = new History();
    const w = h.invoke({ client: 0, node: 0, key: 'k', kind: 'set', value: 'w', ctxSeen: null });
    h.complete(w, { status: 'ok', dot: null, copies: [dot('n1', 31), dot('n3', 107)] });
    // a plain SET whose outcome is unknown might have replaced w, but not a version nobody has seen
    const x = h.invoke({ client: 1, node: 0, key: 'k', kind: 'set', value: 'x', ctxSeen: null });
    h.complete(x, { status: 'unknown' });
    expect(kinds(h.ops, [agreed('k', [], [['n1', 31], ['n3', 106]])])).to.deep.equal(['lost']);
    expect(kinds(h.ops, [agreed('k', [], [['n1', 31], ['n3', 107]])])).to.deep.equal([]);
  });

  it('finds a value nobody wrote', () => {
    expect(kinds([], [agreed('k', [sib('zzz')])])).to.deep.equal(['phantom']);
  });
});
