/**
 * Version-vector helpers. A VersionVector maps a node to how many writes it coordinated that a
 * state has seen; absent entries are 0. Functions here never mutate their inputs, and the maps
 * they build hold their keys in canonical (sorted) order, so iteration order is deterministic.
 */
import type { Dot, NodeId, VersionVector } from './types';

const EMPTY_VV: VersionVector = new Map<NodeId, number>();

/** The empty version vector (shared, read-only). */
export function emptyVV(): VersionVector {
  return EMPTY_VV;
}

/** Canonical order of node names: plain string comparison (UTF-16 code units). */
export function compareNodes(a: NodeId, b: NodeId): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical order of dots: by node, then by counter. */
export function compareDots(a: Dot, b: Dot): number {
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return a.counter - b.counter;
}

export function vvGet(vv: VersionVector, node: NodeId): number {
  return vv.get(node) ?? 0;
}

/** A version vector from entries; zero entries are dropped, keys sorted. */
export function vvFrom(entries: Iterable<readonly [NodeId, number]>): VersionVector {
  const m = new Map<NodeId, number>();
  for (const [node, n] of entries) {
    if (n > (m.get(node) ?? 0)) m.set(node, n);
  }
  return sortedVV(m);
}

function sortedVV(m: Map<NodeId, number>): VersionVector {
  if (m.size < 2) return m;
  let prev: NodeId | undefined;
  let sorted = true;
  for (const k of m.keys()) {
    if (prev !== undefined && prev > k) {
      sorted = false;
      break;
    }
    prev = k;
  }
  if (sorted) return m;
  return new Map([...m.entries()].sort((x, y) => compareNodes(x[0], y[0])));
}

/** Pointwise maximum. Returns one of the inputs when it already dominates the other. */
export function joinVV(a: VersionVector, b: VersionVector): VersionVector {
  if (vvDescends(a, b)) return a;
  if (vvDescends(b, a)) return b;
  const m = new Map<NodeId, number>(a);
  for (const [node, n] of b) {
    if (n > (m.get(node) ?? 0)) m.set(node, n);
  }
  return sortedVV(m);
}

/** A copy of `vv` with `node`'s entry set to `counter` (removed when 0). */
export function vvSet(vv: VersionVector, node: NodeId, counter: number): VersionVector {
  const m = new Map<NodeId, number>(vv);
  if (counter > 0) m.set(node, counter);
  else m.delete(node);
  return sortedVV(m);
}

/** a ≥ b pointwise: a has seen everything b has. */
export function vvDescends(a: VersionVector, b: VersionVector): boolean {
  if (b.size === 0) return true;
  for (const [node, n] of b) {
    if (n > 0 && (a.get(node) ?? 0) < n) return false;
  }
  return true;
}

/** The write `dot` is among those `vv` summarises. */
export function coversDot(vv: VersionVector, dot: Dot): boolean {
  return dot.counter <= (vv.get(dot.node) ?? 0);
}

/** Same entries (absent and 0 are the same), whatever the maps' insertion order. */
export function vvEquals(a: VersionVector, b: VersionVector): boolean {
  if (a === b) return true;
  return vvDescends(a, b) && vvDescends(b, a);
}

/** Neither has seen everything the other has. */
export function vvConcurrent(a: VersionVector, b: VersionVector): boolean {
  return !vvDescends(a, b) && !vvDescends(b, a);
}
