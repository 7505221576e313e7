/**
 * Which slots a node replicates, and how that changes between two rings — the input to handoff
 * (send lost slots to their new holders) and anti-entropy (which ranges to compare). Computed per
 * partition (every slot of a partition shares its list) and reported per slot.
 */
import type { NodeId } from '../versioning/types';
import { PARTITION_COUNT, partitionSlots } from './partitions';
import { checkN, preferenceIndices } from './preference';
import type { Ring } from './ring';

export interface OwnershipChange {
  /** Slots where the node is among the first n in the new ring and was not in the old. */
  readonly gained: number[];
  /** Slots where the node was among the first n in the old ring and is not in the new. */
  readonly lost: number[];
}

function pushSlots(out: number[], partition: number): void {
  const { start, end } = partitionSlots(partition);
  for (let slot = start; slot <= end; slot++) out.push(slot);
}

function holders(ring: Ring, partition: number, n: number): Set<NodeId> {
  const slot = partitionSlots(partition).start;
  return new Set(preferenceIndices(ring, slot, n).map((i) => (ring.members[i] as { id: NodeId }).id));
}

/** Slots (ascending) for which nodeId is among the first n of the preference list. */
export function ownedSlots(ring: Ring, nodeId: NodeId, n: number): number[] {
  checkN(n);
  const index = ring.members.findIndex((m) => m.id === nodeId);
  if (index === -1) return [];
  const slots: number[] = [];
  for (let partition = 0; partition < PARTITION_COUNT; partition++) {
    if (preferenceIndices(ring, partitionSlots(partition).start, n).includes(index)) pushSlots(slots, partition);
  }
  return slots;
}

/** Per node with any change, the slots gained and lost (ascending) going from oldRing to newRing. */
export function ownershipChanges(oldRing: Ring, newRing: Ring, n: number): Map<NodeId, OwnershipChange> {
  checkN(n);
  const changes = new Map<NodeId, OwnershipChange>();
  const entry = (id: NodeId): OwnershipChange => {
    let change = changes.get(id);
    if (change === undefined) {
      change = { gained: [], lost: [] };
      changes.set(id, change);
    }
    return change;
  };
  for (let partition = 0; partition < PARTITION_COUNT; partition++) {
    const before = holders(oldRing, partition, n);
    const after = holders(newRing, partition, n);
    for (const id of after) if (!before.has(id)) pushSlots(entry(id).gained, partition);
    for (const id of before) if (!after.has(id)) pushSlots(entry(id).lost, partition);
  }
  return changes;
}
