/**
 * Simulated clients of the in-process cluster: each talks to one node's coordinator, waits a
 * random think time on the manual clock, then writes a unique value to one of a few keys — a
 * VSET-style write with the context of a read, a plain SET (ctx null), a plain DEL or a
 * VDEL-style tombstone with a read's context — and records it in the history.
 */
import { liveSiblings, vvSet } from '../../lib/versioning';
import { randomInt, type Rng } from '../../lib/util/rng';
import type { Dot, NewVersion, Sibling, VRecord } from '../../lib/versioning/types';
import type { SimCluster } from '../cluster/sim-cluster';
import { History, type OpKind } from './history';

export interface ClientRun {
  readonly sim: SimCluster;
  readonly history: History;
  readonly keys: readonly string[];
  readonly rng: Rng;
  /** ms a client waits for an answer before it calls the outcome unknown */
  readonly clientTimeout: number;
  /** stop invoking once the history holds this many operations */
  readonly opLimit: number;
  stopped: boolean;
}

type Timed<T> = { done: true; value: T } | { done: true; error: Error } | { done: false };

/** p, or { done: false } after `ms` of simulated time (p keeps running; its rejection is caught) */
export function within<T>(sim: SimCluster, p: Promise<T>, ms: number): Promise<Timed<T>> {
  return new Promise((resolve) => {
    const cancel = sim.clock.setTimer(ms, () => resolve({ done: false }));
    p.then(
      (value) => (cancel(), resolve({ done: true, value })),
      (err: unknown) => (cancel(), resolve({ done: true, error: err instanceof Error ? err : new Error(String(err)) })),
    );
  });
}

/** like within(), for a caller outside the simulation: moves the clock itself until p settles */
export async function drive<T>(sim: SimCluster, p: Promise<T>, ms: number): Promise<Timed<T>> {
  let out: Timed<T> | null = null;
  void within(sim, p, ms).then((r) => (out = r));
  await sim.pass(0);
  for (let t = 0; out === null && t <= ms; t += 5) await sim.pass(5);
  return out ?? { done: false };
}

export function sleep(sim: SimCluster, ms: number): Promise<void> {
  return new Promise((resolve) => sim.clock.setTimer(ms, resolve));
}

function pickKind(rng: Rng): OpKind {
  const r = rng();
  return r < 0.45 ? 'vset' : r < 0.75 ? 'set' : r < 0.87 ? 'del' : 'vdel';
}

const show = (s: Sibling) => (s.payload.kind === 'bytes' ? s.payload.data.toString() : `<${s.payload.kind}>`);

/**
 * The dots of the siblings this write may have made: its value (two when it was stored twice, a
 * forwarding hop's reply lost), or for a tombstone those with its ts and their node's newest dot.
 */
function freshDots(rec: VRecord, v: NewVersion, value: string | null): Dot[] {
  const mine = rec.siblings.filter((s) =>
    value !== null
      ? s.payload.kind === 'bytes' && s.payload.data.toString() === value
      : s.payload.kind === 'tombstone' && s.ts === v.ts && s.dot.counter === (rec.vv.get(s.dot.node) ?? 0));
  return mine.map((s) => s.dot);
}

/** one client's loop until the run stops */
export async function simClient(run: ClientRun, id: number, node: number): Promise<void> {
  const { sim, history, rng } = run;
  for (let n = 0; ; n++) {
    await sleep(sim, 1 + randomInt(rng, 40));
    if (run.stopped || history.ops.length >= run.opLimit) return;
    if (sim.isCrashed(node)) continue; // connection refused: nothing invoked
    const key = run.keys[randomInt(rng, run.keys.length)]!;
    const kind = pickKind(rng);
    let read: VRecord | null = null;
    if (kind === 'vset' || kind === 'vdel') {
      const r = await within(sim, sim.kv(node).read(Buffer.from(key)), run.clientTimeout);
      if (!r.done || 'error' in r) continue;
      read = r.value;
      if (run.stopped || history.ops.length >= run.opLimit || sim.isCrashed(node)) return;
    }
    const value = kind === 'vset' || kind === 'set' ? `c${id}-${n}` : null;
    const op = history.invoke({
      client: id, node, key, kind, value,
      ctx: read?.vv ?? null,
      ctxSeen: read === null ? null : liveSiblings(read, sim.clock.now()).map((sib) => ({ value: show(sib), dot: sib.dot })),
    });
    const v: NewVersion = {
      payload: value === null ? { kind: 'tombstone' } : { kind: 'bytes', data: Buffer.from(value) },
      ts: sim.clock.now(),
      expireAt: null,
    };
    const res = await within(sim, sim.kv(node).write(Buffer.from(key), read?.vv ?? null, v), run.clientTimeout);
    if (!res.done) history.complete(op, { status: 'unknown', error: 'timeout' });
    else if ('error' in res) history.complete(op, { status: 'unknown', error: (res.error as { code?: string }).code ?? res.error.message });
    else {
      const dots = freshDots(res.value, v, value);
      const dot = dots.length === 1 ? dots[0]! : null;
      // only a value names its write: two tombstones that match are two deletes, not copies of one
      const copies = dots.length > 1 && value !== null ? dots : [];
      // a plain write replaced what the coordinator held: its record's vv without its own dot
      const ctx = read === null && dot !== null ? vvSet(res.value.vv, dot.node, dot.counter - 1) : null;
      history.complete(op, { status: 'ok', dot, copies, ctx });
    }
  }
}

