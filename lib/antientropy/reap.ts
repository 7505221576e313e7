/**
 * When a dead record (only tombstones and expired versions) may be dropped from a replica: the
 * tombstone-GC rules, pure. A record is a candidate once every sibling has been dead for the grace
 * period; it is reaped only when every node of the cluster either holds no record of the key or
 * holds a dead one that has seen everything the candidate has (its version vector descends from
 * the candidate's), and no node keeps a hint for the key. Then no copy of an older live version is
 * left anywhere for anti-entropy, read repair or handoff to bring back.
 */
import { isDead } from '../versioning';
import { vvDescends } from '../versioning/vv';
import type { Sibling, VRecord } from '../versioning/types';

/** when a sibling stopped being live: a tombstone when written, a value when it expired */
function diedAt(s: Sibling): number {
  if (s.payload.kind === 'tombstone') return s.ts;
  return s.expireAt ?? Number.POSITIVE_INFINITY;
}

/** every sibling has been dead for at least `graceMs` at `now` (and there is one) */
export function reapCandidate(rec: VRecord, now: number, graceMs: number): boolean {
  if (rec.siblings.length === 0) return false;
  for (const s of rec.siblings) if (!(diedAt(s) <= now - graceMs)) return false;
  return true;
}

/** a peer's record of the key does not stand in the way of reaping `ours` */
export function peerAllowsReap(theirs: VRecord, ours: VRecord, now: number): boolean {
  if (theirs.siblings.length === 0) return true;
  return isDead(theirs, now) && vvDescends(theirs.vv, ours.vv);
}
