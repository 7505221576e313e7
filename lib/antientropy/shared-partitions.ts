/**
 * Which partitions two nodes both replicate (both among the first N of the partition's
 * preference list), and the peers worth an exchange. Pure functions of the ring.
 */
import { PARTITION_COUNT, partitionSlots, preferenceList, type Ring } from '../ring';
import type { NodeId } from '../versioning/types';

/** partitions (ascending) whose first n nodes include both a and b */
export function sharedPartitions(ring: Ring, a: NodeId, b: NodeId, n: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < PARTITION_COUNT; p++) {
    const list = preferenceList(ring, partitionSlots(p).start, n);
    if (list.includes(a) && list.includes(b)) out.push(p);
  }
  return out;
}

/** true when both a and b are among the slot's first n nodes */
export function bothReplicate(ring: Ring, slot: number, a: NodeId, b: NodeId, n: number): boolean {
  const list = preferenceList(ring, slot, n);
  return list.includes(a) && list.includes(b);
}

/** the other members sharing at least one partition with `self`, in id order */
export function exchangePeers(ring: Ring, self: NodeId, n: number): NodeId[] {
  const peers = new Set<NodeId>();
  for (let p = 0; p < PARTITION_COUNT; p++) {
    const list = preferenceList(ring, partitionSlots(p).start, n);
    if (!list.includes(self)) continue;
    for (const id of list) if (id !== self) peers.add(id);
  }
  return [...peers].sort();
}
