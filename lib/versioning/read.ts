/**
 * What reads see. Plain GET shows one value: the sibling written last (by the coordinators'
 * clocks, ties broken by dot), and only if it is live — a later DEL or expiry hides older
 * siblings. Versioned reads (VGET) show every live sibling. `nowMs` is always a parameter.
 */
import type { NodeId, Sibling, VersionVector, VRecord } from './types';
import { vvFrom } from './vv';

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

/**
 * The context of a write made from `keep` alone (APPEND, SETRANGE, INCRBYFLOAT build on the value
 * GET shows): what `rec` has seen, less the other live siblings, so the write replaces `keep`
 * (and what is dead) and leaves the siblings it did not build on, as a client resolving siblings
 * itself would. With the record's whole context, an APPEND after two concurrent writes kept the
 * bytes of one and silently dropped the other's. A version vector counts a node's writes up to a
 * number, so a sibling written by `keep`'s own node before it cannot be left out: it is covered.
 */
export function contextExcept(rec: VRecord, keep: Sibling, nowMs: number): VersionVector {
  let ctx: Map<NodeId, number> | null = null;
  for (const s of rec.siblings) {
    if (s === keep || !isLive(s, nowMs)) continue;
    const { node, counter } = s.dot;
    if (keep.dot.node === node && keep.dot.counter >= counter) continue;
    ctx ??= new Map(rec.vv);
    if (counter <= (ctx.get(node) ?? 0)) ctx.set(node, counter - 1);
  }
  return ctx === null ? rec.vv : vvFrom(ctx);
}
