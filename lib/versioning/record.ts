/**
 * Records as dotted version vector sets: the state merge every replica, read reconciliation,
 * read repair and anti-entropy use, and the write a coordinator makes. Pure.
 *
 * Invariant kept by every function here: each sibling's dot is covered by the record's vv, and
 * siblings are in canonical order (strictly increasing dot).
 */
import type { NewVersion, NodeId, Sibling, VersionVector, VRecord } from './types';
import { canonicalSiblings, pickSameDot, siblingsEqual } from './sibling';
import { compareDots, coversDot, emptyVV, joinVV, vvEquals, vvGet, vvSet } from './vv';
import { counterWrite } from './counter';

const EMPTY_RECORD: VRecord = { vv: emptyVV(), siblings: [] };

/** The record of a key never written: no siblings, empty vv. */
export function emptyRecord(): VRecord {
  return EMPTY_RECORD;
}

/**
 * State merge: a sibling of one side survives when the other side holds the same dot, or when
 * the other side's vv does not cover it (the other side never saw it, so cannot have replaced
 * it). vv = join. Commutative, associative and idempotent; siblings in canonical order; the same
 * dot with different content resolves to the greater content on every replica.
 * Returns `a` (or `b`) itself when the merge adds nothing to it, so `merged === local` is a cheap
 * "nothing new" test.
 */
export function mergeRecords(a: VRecord, b: VRecord): VRecord {
  if (a === b) return a;
  const sa = canonicalSiblings(a.siblings);
  const sb = canonicalSiblings(b.siblings);
  const out: Sibling[] = [];
  let i = 0;
  let j = 0;
  while (i < sa.length || j < sb.length) {
    const x = sa[i];
    const y = sb[j];
    if (x !== undefined && y !== undefined) {
      const c = compareDots(x.dot, y.dot);
      if (c === 0) {
        out.push(pickSameDot(x, y));
        i++;
        j++;
        continue;
      }
      if (c < 0) {
        if (!coversDot(b.vv, x.dot)) out.push(x);
        i++;
      } else {
        if (!coversDot(a.vv, y.dot)) out.push(y);
        j++;
      }
    } else if (x !== undefined) {
      if (!coversDot(b.vv, x.dot)) out.push(x);
      i++;
    } else if (y !== undefined) {
      if (!coversDot(a.vv, y.dot)) out.push(y);
      j++;
    }
  }
  const vv = joinVV(a.vv, b.vv);
  if (vv === a.vv && sameRefs(out, sa)) return sa === a.siblings ? a : { vv, siblings: sa };
  if (vv === b.vv && sameRefs(out, sb)) return sb === b.siblings ? b : { vv, siblings: sb };
  return { vv, siblings: out };
}

function sameRefs(x: readonly Sibling[], y: readonly Sibling[]): boolean {
  if (x.length !== y.length) return false;
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  return true;
}

/** Merge any number of records (e.g. the R replies of a read). */
export function mergeAll(records: Iterable<VRecord>): VRecord {
  let acc: VRecord = EMPTY_RECORD;
  for (const r of records) acc = mergeRecords(acc, r);
  return acc;
}

/**
 * A write coordinated by `node` with the causal context `ctx` the client read (or the local vv,
 * for plain SET/DEL): the new sibling gets dot (node, max(local.vv[node], ctx[node]) + 1); the
 * siblings ctx covers are replaced; the others stay as siblings.
 *
 * A counter payload is a delta (see counterDelta): the new sibling holds the join of the counter
 * siblings ctx covers on this replica plus the delta on `node`'s own entry (counterWrite; may
 * throw CounterError). Give counter writes the local vv as ctx, so that every sibling replaced is
 * one whose counter state this replica holds.
 */
export function applyWrite(
  local: VRecord,
  ctx: VersionVector,
  node: NodeId,
  v: NewVersion,
  /** the highest counter `node` ever gave a record it has since reaped (tombstone GC): a new dot
   *  must lie above it, or it could repeat one a stale copy elsewhere still carries */
  floor = 0,
): VRecord {
  const counter = Math.max(vvGet(local.vv, node), vvGet(ctx, node), floor) + 1;
  const kept: Sibling[] = [];
  const replaced: Sibling[] = [];
  for (const s of canonicalSiblings(local.siblings)) (coversDot(ctx, s.dot) ? replaced : kept).push(s);
  const p = v.payload;
  const made = p.kind === 'counter' ? counterWrite(replaced, node, { ...v, payload: p }) : v;
  const fresh: Sibling = { dot: { node, counter }, payload: made.payload, ts: made.ts, expireAt: made.expireAt };
  const siblings: Sibling[] = [];
  let placed = false;
  for (const s of kept) {
    if (!placed && compareDots(fresh.dot, s.dot) < 0) {
      siblings.push(fresh);
      placed = true;
    }
    siblings.push(s);
  }
  if (!placed) siblings.push(fresh);
  return { vv: vvSet(joinVV(local.vv, ctx), node, counter), siblings };
}

/** Same vv and the same siblings (dot and content), in canonical order. */
export function recordsEqual(a: VRecord, b: VRecord): boolean {
  if (a === b) return true;
  if (!vvEquals(a.vv, b.vv)) return false;
  const sa = canonicalSiblings(a.siblings);
  const sb = canonicalSiblings(b.siblings);
  if (sa.length !== sb.length) return false;
  for (let k = 0; k < sa.length; k++) if (!siblingsEqual(sa[k]!, sb[k]!)) return false;
  return true;
}
