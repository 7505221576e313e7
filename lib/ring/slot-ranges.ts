/**
 * Contiguous slot ranges sharing one preference list — what CLUSTER SLOTS / SHARDS / NODES show.
 * The ranges cover 0..16383 exactly once, in order. Every slot of a partition has the same list,
 * so there are at most PARTITION_COUNT ranges (neighbouring partitions with equal lists merge).
 */
import type { NodeId } from '../versioning/types';
import { PARTITION_COUNT, partitionSlots } from './partitions';
import { checkN, preferenceIndices, preferenceListWithFallbacks } from './preference';
import type { Ring } from './ring';

export interface SlotRange {
  readonly start: number;
  /** Inclusive, as in CLUSTER SLOTS. */
  readonly end: number;
  /** The preference list of every slot in the range (the first healthy n when isUp is given). */
  readonly nodes: readonly NodeId[];
}

function sameList(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export function slotRanges(ring: Ring, n: number, isUp?: (id: NodeId) => boolean): SlotRange[] {
  checkN(n);
  const listOf = (slot: number): NodeId[] =>
    isUp === undefined
      ? preferenceIndices(ring, slot, n).map((i) => (ring.members[i] as { id: NodeId }).id)
      : preferenceListWithFallbacks(ring, slot, n, isUp).map((e) => e.id);
  const ranges: SlotRange[] = [];
  let { start, end } = partitionSlots(0);
  let current = listOf(start);
  for (let partition = 1; partition < PARTITION_COUNT; partition++) {
    const slots = partitionSlots(partition);
    const list = listOf(slots.start);
    if (sameList(list, current)) {
      end = slots.end;
    } else {
      ranges.push({ start, end, nodes: current });
      ({ start, end } = slots);
      current = list;
    }
  }
  ranges.push({ start, end, nodes: current });
  return ranges;
}
