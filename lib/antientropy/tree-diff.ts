/**
 * Which slots two trees disagree on, among the partitions both replicas hold — riak_core's
 * hashtree:compare with the remote side as a TreeReader, so two local trees compare in a test
 * and the exchange plugs in one that asks the peer. Roots first (one digest: replicas in sync
 * stop there), then the partitions' hashes, then the leaves of the differing partitions. Pure
 * but for the reader's promises.
 */
import { HASH_BYTES, type TreeReader } from './merkle';
import { SLOTS_PER_PARTITION } from '../ring/partitions';

export interface TreeDiff {
  /** differing slots, ascending */
  readonly slots: number[];
  /** requests made to the remote reader */
  readonly requests: number;
}

export interface DiffOptions {
  /** most partitions per partition-hash request; default 1024 */
  readonly partitionChunk?: number;
  /** most partitions per leaf request; default 256 (32 KiB of leaves) */
  readonly leafChunk?: number;
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function expectLength(b: Buffer, n: number, what: string): void {
  if (b.length !== n) throw new RangeError(`${what}: expected ${n} bytes, got ${b.length}`);
}

/** `partitions` ascending and distinct */
export async function diffTrees(local: TreeReader, remote: TreeReader, partitions: readonly number[], opts: DiffOptions = {}): Promise<TreeDiff> {
  let requests = 0;
  if (partitions.length === 0) return { slots: [], requests };
  requests++;
  const remoteRoot = await remote.root(partitions);
  if (Buffer.from(await local.root(partitions)).equals(remoteRoot)) return { slots: [], requests };

  const differing: number[] = [];
  for (const part of chunks(partitions, opts.partitionChunk ?? 1024)) {
    requests++;
    const theirs = await remote.partitionHashes(part);
    const ours = await local.partitionHashes(part);
    expectLength(theirs, part.length * HASH_BYTES, 'partition hashes');
    part.forEach((p, i) => {
      const at = i * HASH_BYTES;
      if (theirs.compare(ours, at, at + HASH_BYTES, at, at + HASH_BYTES) !== 0) differing.push(p);
    });
  }

  const slots: number[] = [];
  const per = SLOTS_PER_PARTITION * HASH_BYTES;
  for (const part of chunks(differing, opts.leafChunk ?? 256)) {
    requests++;
    const theirs = await remote.slotHashes(part);
    const ours = await local.slotHashes(part);
    expectLength(theirs, part.length * per, 'leaf hashes');
    part.forEach((p, i) => {
      for (let j = 0; j < SLOTS_PER_PARTITION; j++) {
        const at = i * per + j * HASH_BYTES;
        if (theirs.compare(ours, at, at + HASH_BYTES, at, at + HASH_BYTES) !== 0) slots.push(p * SLOTS_PER_PARTITION + j);
      }
    });
  }
  return { slots, requests };
}
