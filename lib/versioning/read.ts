/**
 * What reads see. Plain GET shows one value: the sibling written last (by the coordinators'
 * clocks, ties broken by dot), and only if it is live — a later DEL or expiry hides older
 * siblings. Versioned reads (VGET) show every live sibling. `nowMs` is always a parameter.
 */
import type { Sibling, VRecord } from './types';

/** a was written after b: greater ts, ties broken by node name, then counter. */
export function writtenAfter(a: Sibling, b: Sibling): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  if (a.dot.node !== b.dot.node) return a.dot.node > b.dot.node;
  return a.dot.counter > b.dot.counter;
}

/** The sibling written last, or undefined for a record without siblings. */
export function latestSibling(rec: VRecord): Sibling | undefined {
  const sibs = rec.siblings;
  let best = sibs[0];
  for (let i = 1; i < sibs.length; i++) {
    const s = sibs[i]!;
    if (writtenAfter(s, best!)) best = s;
  }
  return best;
}

/** Expired at `nowMs`: an expiry at or before now. */
export function isExpired(sib: Sibling, nowMs: number): boolean {
  return sib.expireAt !== null && sib.expireAt <= nowMs;
}

/** Neither a tombstone nor expired. */
export function isLive(sib: Sibling, nowMs: number): boolean {
  return sib.payload.kind !== 'tombstone' && !isExpired(sib, nowMs);
}

/** Every live sibling, in canonical (dot) order: what VGET shows. */
export function liveSiblings(rec: VRecord, nowMs: number): Sibling[] {
  return rec.siblings.filter((s) => isLive(s, nowMs));
}

/** What plain GET shows: the latest sibling if it is live, else nothing. */
export function visible(rec: VRecord, nowMs: number): Sibling | undefined {
  const s = latestSibling(rec);
  return s !== undefined && isLive(s, nowMs) ? s : undefined;
}

/**
 * No sibling is live at `nowMs`: only tombstones and expired versions remain (or nothing).
 * Such a record still has to be kept until every replica has it (see DESIGN: tombstones reaped
 * too early resurrect deleted keys).
 */
export function isDead(rec: VRecord, nowMs: number): boolean {
  for (const s of rec.siblings) if (isLive(s, nowMs)) return false;
  return true;
}
