import fc from 'fast-check';
import { SLOT_COUNT } from '../../lib/ring/key-slot';
import { PARTITION_COUNT, partitionSlots } from '../../lib/ring/partitions';
import { preferenceList } from '../../lib/ring/preference';
import type { Member, Ring } from '../../lib/ring/ring';

export function equalMembers(count: number, zones = 1, prefix = 'node'): Member[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, zone: `zone-${i % zones}`, weight: 1 }));
}

/** Slots whose primary is each node. */
export function primaryCounts(ring: Ring): Map<string, number> {
  const counts = new Map<string, number>(ring.members.map((m) => [m.id, 0]));
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const [primary] = preferenceList(ring, slot, 1);
    counts.set(primary as string, (counts.get(primary as string) ?? 0) + 1);
  }
  return counts;
}

export function primaries(ring: Ring): string[] {
  return Array.from({ length: SLOT_COUNT }, (_, slot) => preferenceList(ring, slot, 1)[0] as string);
}

/** The first n nodes of every partition. */
export function partitionLists(ring: Ring, n: number): string[][] {
  return Array.from({ length: PARTITION_COUNT }, (_, p) => preferenceList(ring, partitionSlots(p).start, n));
}

/** Per node, how many partitions hold it at rank `rank` (0 = primary). */
export function rankCounts(ring: Ring, rank: number): Map<string, number> {
  const counts = new Map<string, number>(ring.members.map((m) => [m.id, 0]));
  for (const list of partitionLists(ring, rank + 1)) {
    const id = list[rank];
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/**
 * Movement between two rings over the first n of every partition: `moves` = holder slots that
 * changed (new holders counted once each), `toOthers` = those taken by any node but `newcomer`.
 */
export function movement(before: Ring, after: Ring, n: number, newcomer: string): { moves: number; toOthers: number } {
  const a = partitionLists(before, n);
  const b = partitionLists(after, n);
  let moves = 0;
  let toOthers = 0;
  for (let p = 0; p < PARTITION_COUNT; p++) {
    const old = new Set(a[p]);
    for (const id of b[p] as string[]) {
      if (old.has(id)) continue;
      moves++;
      if (id !== newcomer) toOthers++;
    }
  }
  return { moves, toOthers };
}

/** Arbitrary member sets: unique ids, 1–4 zones, a few weights. */
export const membersArb = (minLength = 1, maxLength = 10): fc.Arbitrary<Member[]> =>
  fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 8 }),
      zone: fc.constantFrom('a', 'b', 'c', 'd'),
      weight: fc.constantFrom(0.5, 1, 2, 3),
    }),
    { minLength, maxLength, selector: (m) => m.id },
  );

/** A few slots to check per generated ring (every slot would make properties slow). */
export const slotsArb = fc.array(fc.integer({ min: 0, max: SLOT_COUNT - 1 }), { minLength: 1, maxLength: 40 });
