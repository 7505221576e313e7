/**
 * Sibling comparisons: a total order on sibling content, used to decide deterministically when
 * two records hold the same dot with different content (which should never happen), and for
 * record equality. Counter maps treat an absent node and 0n as the same.
 */
import type { NodeId, Payload, Sibling } from './types';
import { compareDots, compareNodes } from './vv';

const KIND_RANK = { tombstone: 0, bytes: 1, counter: 2 } as const;

/** Compare two bigint maps as total functions (absent = 0n), node by node in canonical order. */
export function compareCounterMaps(
  a: ReadonlyMap<NodeId, bigint>,
  b: ReadonlyMap<NodeId, bigint>,
): number {
  if (a === b) return 0;
  const nodes = new Set<NodeId>();
  for (const [k, v] of a) if (v !== 0n) nodes.add(k);
  for (const [k, v] of b) if (v !== 0n) nodes.add(k);
  const sorted = [...nodes].sort(compareNodes);
  for (const k of sorted) {
    const x = a.get(k) ?? 0n;
    const y = b.get(k) ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A total order on payloads; 0 exactly when they hold the same content. */
export function comparePayloads(a: Payload, b: Payload): number {
  if (a === b) return 0;
  if (a.kind !== b.kind) return KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (a.kind === 'bytes' && b.kind === 'bytes') return Buffer.compare(a.data, b.data);
  if (a.kind === 'counter' && b.kind === 'counter') {
    return compareCounterMaps(a.inc, b.inc) || compareCounterMaps(a.dec, b.dec);
  }
  return 0;
}

/** A total order on everything but the dot; 0 exactly when the contents are equal. */
export function compareSiblingContent(a: Sibling, b: Sibling): number {
  if (a === b) return 0;
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.expireAt !== b.expireAt) {
    if (a.expireAt === null) return -1;
    if (b.expireAt === null) return 1;
    return a.expireAt < b.expireAt ? -1 : 1;
  }
  return comparePayloads(a.payload, b.payload);
}

/** Dot, then content: a total order on siblings. */
export function compareSiblings(a: Sibling, b: Sibling): number {
  return compareDots(a.dot, b.dot) || compareSiblingContent(a, b);
}

export function siblingsEqual(a: Sibling, b: Sibling): boolean {
  return compareSiblings(a, b) === 0;
}

/**
 * Of two siblings carrying the same dot, the one every replica keeps: the greater content.
 * Returns `a` when they are equal, so unchanged inputs stay identical by reference.
 */
export function pickSameDot(a: Sibling, b: Sibling): Sibling {
  return compareSiblingContent(a, b) >= 0 ? a : b;
}

/**
 * Siblings in canonical order (strictly increasing dot), the same array when already so.
 * Duplicated dots keep one sibling, chosen by pickSameDot.
 */
export function canonicalSiblings(siblings: readonly Sibling[]): readonly Sibling[] {
  let ordered = true;
  for (let i = 1; i < siblings.length; i++) {
    if (compareDots(siblings[i - 1]!.dot, siblings[i]!.dot) >= 0) {
      ordered = false;
      break;
    }
  }
  if (ordered) return siblings;
  const sorted = [...siblings].sort((x, y) => compareDots(x.dot, y.dot));
  const out: Sibling[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && compareDots(last.dot, s.dot) === 0) {
      out[out.length - 1] = pickSameDot(last, s);
    } else {
      out.push(s);
    }
  }
  return out;
}
