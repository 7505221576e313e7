/**
 * The ring: which nodes hold each of the 16384 slots, derived by every node independently from
 * the gossiped member set alone (input order does not matter).
 *
 * Choice — Dynamo's strategy 3: Q = PARTITION_COUNT (1024) equal partitions of 16 contiguous
 * slots (partitions.ts), each placed on nodes by weighted rendezvous hashing (HRW) corrected by
 * quotas (placement.ts):
 * - Each member has vnodes = max(1, round(weight × vnodesPerWeight)) virtual nodes. In a classic
 *   ring a member's share is only about vnodes / Σ vnodes (hashed token positions are noisy); here
 *   the vnode count is made exact: the member's quota — partitions it holds as primary — is
 *   vnodes / Σ vnodes of Q, rounded by largest remainder (ties by id), and so is its share of
 *   each replica rank. The vnode count is also its HRW weight (key -ln(u) / vnodes), so it still
 *   says how strongly a member draws partitions when the quotas leave a choice.
 * - Placement, rank by rank: scan all (partition, member) pairs in ascending HRW key and take a
 *   pair when the partition needs a node at this rank, the member is under its quota, not yet in
 *   the list, and in a zone the zone-spread rule allows. So the HRW winner keeps a partition unless
 *   it is over quota; an over-quota member gives up the partitions it scores worst on, each to the
 *   next member of that partition's HRW order with room (the unique stable matching of the scores).
 * - Balance: primaries exactly at quota (10 equal nodes: 102 or 103 of 1024, max/mean 1.006); later
 *   ranks too, as far as zones allow (with zones of unequal size, "one per zone first" itself forces
 *   more replicas on the smaller zones' nodes). Plain HRW over 1024 partitions would be ±20%.
 * - Movement: a member's keys do not depend on the others, so plain HRW moves partitions only to a
 *   joiner / from a leaver; the quota pass adds a cascade between old nodes (the joiner takes its
 *   best partitions, not exactly each old node's quota cut). bench/ring-balance.ts, 10 → 11 nodes:
 *   primaries 10.7% moved against the ideal 9.1% (1.7% between old nodes); N=3 holders 1.2× the
 *   ideal in one zone, 1.4× with zones 4/3/3 → 4/4/3 (4.2% between old nodes). A leave is the same
 *   pair of rings read backwards. Any placement that is exact and history-free pays some of this.
 * - Few ranges: slotRanges() yields at most Q ranges (fewer where neighbours share a list), against
 *   ~16k for per-slot HRW; CLUSTER SLOTS stays a few tens of kB.
 * - Cost: placement sorts the Q × members pairs once and scans them once per rank: ~30 ms for 100
 *   members. preferenceList for n ≤ tableN is a table read; beyond the table, the walk continues
 *   with the remaining members in HRW order, zone-spread (preference.ts).
 */
import { createHash } from 'node:crypto';
import type { NodeId } from '../versioning/types';
import { RingError } from './errors';
import { murmur3 } from './hash';
import { PARTITION_COUNT } from './partitions';
import { placePartitions } from './placement';
import { largestRemainder } from './quota';

export interface Member {
  readonly id: NodeId;
  readonly zone: string;
  readonly weight: number;
}

export interface RingOptions {
  /** Virtual nodes per unit of weight; a member gets max(1, round(weight × this)). */
  readonly vnodesPerWeight: number;
  /**
   * How many nodes per partition to place with quotas and precompute (the default N); later walk
   * positions are plain HRW order, computed on demand. Must be the same on every node (in the checksum).
   */
  readonly tableN?: number;
}

export interface RingMember extends Member {
  readonly vnodes: number;
  /** Partitions held as primary: vnodes / Σ vnodes of PARTITION_COUNT, largest-remainder rounded. */
  readonly quota: number;
}

export interface Ring {
  /** Members sorted by id (UTF-16 code-unit order); an index into this array names a member. */
  readonly members: readonly RingMember[];
  readonly vnodesPerWeight: number;
  readonly tableN: number;
  /** Q, the number of partitions (PARTITION_COUNT). */
  readonly partitionCount: number;
  readonly checksum: string;
  /** Internal: per-member zone index, hash seeds and vnodes, for computing walks. */
  readonly zoneOf: Int32Array;
  readonly zoneCount: number;
  readonly seedA: Uint32Array;
  readonly seedB: Uint32Array;
  readonly vnodes: Float64Array;
  /** Internal: table[partition × tableN + i] = member index of the partition's i-th node, or -1. */
  readonly table: Int32Array;
}

export const DEFAULT_TABLE_N = 3;
const SEED_A = 0x9747b28c;
const SEED_B = 0x3c6ef372;
const ALGORITHM = 'quorumkv-ring/partitions-v2';

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function validate(members: readonly Member[], opts: RingOptions): number {
  if (!Number.isFinite(opts.vnodesPerWeight) || opts.vnodesPerWeight <= 0) {
    throw new RingError('RING_INVALID_OPTION', `vnodesPerWeight must be a positive number, got ${opts.vnodesPerWeight}`);
  }
  const tableN = opts.tableN ?? DEFAULT_TABLE_N;
  if (!Number.isInteger(tableN) || tableN < 1) {
    throw new RingError('RING_INVALID_OPTION', `tableN must be a positive integer, got ${tableN}`);
  }
  const seen = new Set<string>();
  for (const m of members) {
    if (typeof m.id !== 'string' || m.id.length === 0) throw new RingError('RING_INVALID_MEMBER', 'member id must be a non-empty string');
    if (typeof m.zone !== 'string') throw new RingError('RING_INVALID_MEMBER', `member ${m.id}: zone must be a string`);
    if (!Number.isFinite(m.weight) || m.weight <= 0) {
      throw new RingError('RING_INVALID_MEMBER', `member ${m.id}: weight must be a positive number, got ${m.weight}`);
    }
    if (seen.has(m.id)) throw new RingError('RING_DUPLICATE_MEMBER', `member ${m.id} appears twice`);
    seen.add(m.id);
  }
  return tableN;
}

function checksumOf(members: readonly RingMember[], tableN: number): string {
  const hash = createHash('sha256').update(`${ALGORITHM}/${PARTITION_COUNT}/${tableN}`);
  for (const m of members) hash.update('\n' + JSON.stringify([m.id, m.zone, m.weight, m.vnodes]));
  return hash.digest('hex').slice(0, 32);
}

/** Builds the ring of `members`; the result depends on the set, not on the input order. */
export function buildRing(members: readonly Member[], opts: RingOptions): Ring {
  const tableN = validate(members, opts);
  const byId = [...members].sort((a, b) => compareIds(a.id, b.id));
  const vnodes = Float64Array.from(byId, (m) => Math.max(1, Math.round(m.weight * opts.vnodesPerWeight)));
  const quotas = largestRemainder(PARTITION_COUNT, vnodes);
  const sorted: RingMember[] = byId.map((m, i) => ({
    id: m.id,
    zone: m.zone,
    weight: m.weight,
    vnodes: vnodes[i] as number,
    quota: quotas[i] as number,
  }));
  const zoneNames = [...new Set(sorted.map((m) => m.zone))].sort(compareIds);
  const zoneIndex = new Map(zoneNames.map((z, i) => [z, i]));
  const zoneOf = Int32Array.from(sorted, (m) => zoneIndex.get(m.zone) as number);
  const seedA = Uint32Array.from(sorted, (m) => murmur3(m.id, SEED_A));
  const seedB = Uint32Array.from(sorted, (m) => murmur3(m.id, SEED_B));

  const table = placePartitions({ zoneOf, zoneCount: zoneNames.length, seedA, seedB, vnodes }, PARTITION_COUNT, tableN);
  return {
    members: sorted,
    vnodesPerWeight: opts.vnodesPerWeight,
    tableN,
    partitionCount: PARTITION_COUNT,
    checksum: checksumOf(sorted, tableN),
    zoneOf,
    zoneCount: zoneNames.length,
    seedA,
    seedB,
    vnodes,
    table,
  };
}

/** A short string that two nodes compare to tell whether they hold the same ring. */
export function ringChecksum(ring: Ring): string {
  return ring.checksum;
}
