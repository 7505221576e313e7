/**
 * PN-counter payloads for the INCR family: per-node increment and decrement totals, each only
 * ever growing, so concurrent counter siblings join (pointwise max) without losing increments
 * made on different sides of a partition. A coordinator reads the joined counter of the live
 * counter siblings, adds its delta under its own node, and writes that with a context covering
 * them.
 */
import type { NodeId, Payload, Sibling } from './types';

export type CounterPayload = Extract<Payload, { kind: 'counter' }>;

const ZERO: CounterPayload = { kind: 'counter', inc: new Map(), dec: new Map() };

/** The counter with no increments (the value of a missing key for INCR). */
export function zeroCounter(): CounterPayload {
  return ZERO;
}

function sum(m: ReadonlyMap<NodeId, bigint>): bigint {
  let total = 0n;
  for (const v of m.values()) total += v;
  return total;
}

/** sum(inc) - sum(dec). */
export function counterValue(p: CounterPayload): bigint {
  return sum(p.inc) - sum(p.dec);
}

function joinMaps(a: ReadonlyMap<NodeId, bigint>, b: ReadonlyMap<NodeId, bigint>): Map<NodeId, bigint> {
  const out = new Map(a);
  for (const [node, v] of b) if (v > (out.get(node) ?? 0n)) out.set(node, v);
  return out;
}

/** Pointwise maximum of both totals: commutative, associative, idempotent. */
export function joinCounters(a: CounterPayload, b: CounterPayload): CounterPayload {
  return { kind: 'counter', inc: joinMaps(a.inc, b.inc), dec: joinMaps(a.dec, b.dec) };
}

/** The join of every counter sibling among `siblings` (zero when there is none). */
export function joinCounterSiblings(siblings: readonly Sibling[]): CounterPayload {
  let acc = ZERO;
  for (const s of siblings) if (s.payload.kind === 'counter') acc = joinCounters(acc, s.payload);
  return acc;
}

/** `p` with `delta` added under `node`: to its increments when positive, decrements when negative. */
export function addToCounter(p: CounterPayload, node: NodeId, delta: bigint): CounterPayload {
  if (delta === 0n) return p;
  if (delta > 0n) {
    const inc = new Map(p.inc);
    inc.set(node, (inc.get(node) ?? 0n) + delta);
    return { kind: 'counter', inc, dec: p.dec };
  }
  const dec = new Map(p.dec);
  dec.set(node, (dec.get(node) ?? 0n) - delta);
  return { kind: 'counter', inc: p.inc, dec };
}
