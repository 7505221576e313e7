/**
 * Partition placement: the table of the first `take` nodes of every partition, balanced per rank.
 *
 * Every (partition, member) pair has a weighted rendezvous (HRW) key, -ln(u) / vnodes (hash.ts);
 * a partition prefers members by ascending key, a member prefers partitions the same way. Rank by
 * rank (primary, second replica, ...), each member may take up to its quota: its largest-remainder
 * share of the (rank + 1) × Q holdings so far (quota.ts) minus what it already holds. The pairs
 * are scanned once in ascending key order and a pair is taken when the partition still needs a
 * node at this rank, the member has room, is not already in the partition's list, and its zone is
 * one the zone-spread rule allows next (a least-used zone that still has members left). That
 * greedy scan is the unique stable matching of the common-score preferences: the HRW winner keeps
 * a partition unless its owner is over quota, and an over-quota member gives up exactly the
 * partitions it scores worst on, each to the first member in that partition's HRW order with room.
 * Partitions the scan leaves open (zone rules or list exclusions exhausted every member with
 * room) go to the allowed member furthest below its share, ties by key.
 */
import { pairDraw, PARTITION_SALT, rendezvousKey } from './hash';
import { largestRemainder } from './quota';

export interface PlacementInputs {
  readonly zoneOf: Int32Array;
  readonly zoneCount: number;
  readonly seedA: Uint32Array;
  readonly seedB: Uint32Array;
  readonly vnodes: Float64Array;
}

/** HRW key of member i for partition p, stored at p × members + i. */
export function partitionKeys(inputs: PlacementInputs, partitions: number): Float64Array {
  const { seedA, seedB, vnodes } = inputs;
  const count = vnodes.length;
  const keys = new Float64Array(partitions * count);
  for (let p = 0; p < partitions; p++) {
    const salt = PARTITION_SALT[p] as number;
    for (let i = 0; i < count; i++) keys[p * count + i] = rendezvousKey(pairDraw(salt, seedA[i] as number, seedB[i] as number), vnodes[i] as number);
  }
  return keys;
}

/** Pair indices by ascending key, ties by pair index (partition, then member id order). */
function pairsByKey(keys: Float64Array): Uint32Array {
  const order = new Uint32Array(keys.length);
  for (let j = 0; j < order.length; j++) order[j] = j;
  return order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
}

/** table[p × take + rank] = member index, or -1 when the ring has fewer than rank + 1 members. */
export function placePartitions(inputs: PlacementInputs, partitions: number, take: number): Int32Array {
  const { zoneOf, zoneCount, vnodes } = inputs;
  const count = vnodes.length;
  const table = new Int32Array(partitions * take).fill(-1);
  if (count === 0) return table;
  const keys = partitionKeys(inputs, partitions);
  const order = pairsByKey(keys);
  const zoneSize = new Int32Array(zoneCount);
  for (let i = 0; i < count; i++) zoneSize[zoneOf[i] as number] += 1;
  const zoneUse = new Int32Array(partitions * zoneCount);
  const level = new Int32Array(partitions);
  const held = new Int32Array(count);
  const room = new Int32Array(count);

  const allowed = (p: number, i: number, rank: number): boolean => {
    if ((zoneUse[p * zoneCount + (zoneOf[i] as number)] as number) !== level[p]) return false;
    for (let r = 0; r < rank; r++) if (table[p * take + r] === i) return false;
    return true;
  };
  const assign = (p: number, i: number, rank: number): void => {
    table[p * take + rank] = i;
    zoneUse[p * zoneCount + (zoneOf[i] as number)] += 1;
    held[i] += 1;
  };

  for (let rank = 0; rank < Math.min(take, count); rank++) {
    const target = largestRemainder((rank + 1) * partitions, vnodes);
    for (let i = 0; i < count; i++) room[i] = Math.max(0, (target[i] as number) - (held[i] as number));
    for (let p = 0; p < partitions; p++) level[p] = spreadLevel(zoneUse, p * zoneCount, zoneSize);
    let open = partitions;
    for (let k = 0; k < order.length && open > 0; k++) {
      const pair = order[k] as number;
      const p = Math.floor(pair / count);
      const i = pair - p * count;
      if (room[i] === 0 || table[p * take + rank] !== -1 || !allowed(p, i, rank)) continue;
      assign(p, i, rank);
      room[i] -= 1;
      open -= 1;
    }
    for (let p = 0; open > 0 && p < partitions; p++) {
      if (table[p * take + rank] !== -1) continue;
      let best = -1;
      for (let i = 0; i < count; i++) {
        if (!allowed(p, i, rank)) continue;
        const excess = (held[i] as number) - (target[i] as number);
        const bestExcess = best === -1 ? Infinity : (held[best] as number) - (target[best] as number);
        if (excess < bestExcess || (excess === bestExcess && (keys[p * count + i] as number) < (keys[p * count + best] as number))) best = i;
      }
      assign(p, best, rank);
      open -= 1;
    }
  }
  return table;
}

/** The zone-use count a partition's next node must come from: the least among zones with members left. */
function spreadLevel(zoneUse: Int32Array, base: number, zoneSize: Int32Array): number {
  let min = Infinity;
  for (let z = 0; z < zoneSize.length; z++) {
    const used = zoneUse[base + z] as number;
    if (used < (zoneSize[z] as number) && used < min) min = used;
  }
  return min;
}
