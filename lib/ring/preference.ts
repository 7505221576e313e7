/**
 * Preference lists: the walk of a slot (every member once), its first n (the replicas), and the
 * first n healthy with fallbacks tagged — riak_core's get_apl(Key, N, Ring, UpNodes) as a pure
 * function of the ring and an isUp predicate. A slot's lists are those of its partition.
 *
 * The walk of a partition is its placed table (the first tableN nodes, balanced per rank,
 * placement.ts) followed by every other member in HRW order, spread over zones counting the zones
 * the table already used, so the zone rule (one per zone before a second from any zone) holds
 * along the whole walk.
 */
import type { NodeId } from '../versioning/types';
import { RingError } from './errors';
import { pairDraw, PARTITION_SALT, rendezvousKey } from './hash';
import { partitionOf } from './partitions';
import type { Ring } from './ring';
import { spreadOrder } from './zone-spread';

export interface PreferenceEntry {
  readonly id: NodeId;
  /** Set on a fallback: the unhealthy primary it stands in for (the hint's target). */
  readonly fallbackFor?: NodeId;
}

export function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RingError('RING_INVALID_N', `n must be a non-negative integer, got ${n}`);
}

/** Member indices of the partition's placed table (up to tableN, fewer on a smaller ring). */
function tableOf(ring: Ring, partition: number, n: number): number[] {
  const out: number[] = [];
  const base = partition * ring.tableN;
  for (let i = 0; i < n && i < ring.tableN; i++) {
    const member = ring.table[base + i] as number;
    if (member === -1) break;
    out.push(member);
  }
  return out;
}

/** Member indices of the whole walk of a partition. */
export function walkIndices(ring: Ring, partition: number): number[] {
  const head = tableOf(ring, partition, ring.tableN);
  const count = ring.members.length;
  if (head.length === count) return head;
  const inHead = new Set(head);
  const salt = PARTITION_SALT[partition] as number;
  const keys = new Float64Array(count);
  const rest: number[] = [];
  for (let i = 0; i < count; i++) {
    if (inHead.has(i)) continue;
    keys[i] = rendezvousKey(pairDraw(salt, ring.seedA[i] as number, ring.seedB[i] as number), ring.vnodes[i] as number);
    rest.push(i);
  }
  rest.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  const zoneUse = new Int32Array(ring.zoneCount);
  for (const i of head) zoneUse[ring.zoneOf[i] as number] += 1;
  return head.concat(spreadOrder(rest, ring.zoneOf, zoneUse));
}

/** Member indices of the first n nodes of the slot's walk. */
export function preferenceIndices(ring: Ring, slot: number, n: number): number[] {
  const partition = partitionOf(slot);
  checkN(n);
  if (n <= ring.tableN) return tableOf(ring, partition, n);
  return walkIndices(ring, partition).slice(0, n);
}

const idOf = (ring: Ring, i: number): NodeId => (ring.members[i] as { id: NodeId }).id;

/** Every member once, in preference order for the slot. */
export function walk(ring: Ring, slot: number): NodeId[] {
  return walkIndices(ring, partitionOf(slot)).map((i) => idOf(ring, i));
}

/** The slot's first n distinct nodes (fewer when the ring has fewer members). */
export function preferenceList(ring: Ring, slot: number, n: number): NodeId[] {
  return preferenceIndices(ring, slot, n).map((i) => idOf(ring, i));
}

/**
 * The first n healthy nodes for the slot: the healthy primaries (first n of the walk) in walk
 * order, then one fallback per unhealthy primary, in the order of the primaries they replace.
 * Fallbacks are the healthy non-primaries in walk order, re-spread over zones counting the zones
 * the healthy primaries already cover (so a dead primary's zone is refilled first when it can
 * be). With a single zone this is exactly "the first n healthy nodes of the walk". The result is
 * shorter than n only when fewer than n members are healthy.
 */
export function preferenceListWithFallbacks(
  ring: Ring,
  slot: number,
  n: number,
  isUp: (id: NodeId) => boolean,
): PreferenceEntry[] {
  const primaries = preferenceIndices(ring, slot, n);
  const up = primaries.map((i) => isUp(idOf(ring, i)));
  if (up.every(Boolean)) return primaries.map((i) => ({ id: idOf(ring, i) }));

  const result: PreferenceEntry[] = [];
  const down: number[] = [];
  const zoneUse = new Int32Array(ring.zoneCount);
  primaries.forEach((i, k) => {
    if (up[k] === true) {
      result.push({ id: idOf(ring, i) });
      zoneUse[ring.zoneOf[i] as number] += 1;
    } else {
      down.push(i);
    }
  });
  const isPrimary = new Set(primaries);
  const candidates = walkIndices(ring, partitionOf(slot)).filter((i) => !isPrimary.has(i) && isUp(idOf(ring, i)));
  const fallbacks = spreadOrder(candidates, ring.zoneOf, zoneUse);
  for (let k = 0; k < down.length && k < fallbacks.length; k++) {
    result.push({ id: idOf(ring, fallbacks[k] as number), fallbackFor: idOf(ring, down[k] as number) });
  }
  return result;
}
