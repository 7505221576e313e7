/**
 * A replica's Merkle tree over the 16384 slots, kept incrementally (no periodic rebuild).
 *
 *   leaf (slot)        XOR of entryHash(key, record bytes) over the slot's stored keys
 *   inner (partition)  XOR of its 16 leaves — fixed fan-out 16, the ring's unit of placement
 *   root               MD5 over the hashes of a chosen set of partitions: two replicas compare
 *                      the partitions they both hold, so the root is made per exchange
 *
 * XOR makes every level incremental: a write that turns entry hash `a` into `b` (0 = absent) folds
 * `a ^ b` into its leaf and its partition, in any order. The key is inside every entry hash and a
 * key lives in exactly one slot, so XOR's blindness to position loses nothing. Pure.
 */
import { createHash } from 'node:crypto';
import { PARTITION_COUNT, SLOTS_PER_PARTITION } from '../ring/partitions';
import { SLOT_COUNT } from '../ring/key-slot';

export const HASH_BYTES = 8;
const SHIFT = Math.log2(SLOTS_PER_PARTITION);

/** The read side of a tree, local or remote (riak_core hashtree:compare's RemoteFun). */
export interface TreeReader {
  /** digest over the given partitions (ascending) */
  root(partitions: readonly number[]): Promise<Buffer> | Buffer;
  /** HASH_BYTES per partition, in the order given */
  partitionHashes(partitions: readonly number[]): Promise<Buffer> | Buffer;
  /** SLOTS_PER_PARTITION × HASH_BYTES per partition: its slots' leaves, in slot order */
  slotHashes(partitions: readonly number[]): Promise<Buffer> | Buffer;
}

export class MerkleTree implements TreeReader {
  private readonly leaves = new BigUint64Array(SLOT_COUNT);
  private readonly inner = new BigUint64Array(PARTITION_COUNT);

  /** an entry of `slot` changed from hash `before` to `after` (0n = absent) */
  change(slot: number, before: bigint, after: bigint): void {
    const d = before ^ after;
    if (d === 0n) return;
    this.leaves[slot] = (this.leaves[slot] as bigint) ^ d;
    const p = slot >>> SHIFT;
    this.inner[p] = (this.inner[p] as bigint) ^ d;
  }

  leaf(slot: number): bigint {
    return this.leaves[slot] as bigint;
  }

  partition(p: number): bigint {
    return this.inner[p] as bigint;
  }

  /** replace a leaf outright (a slot rebuilt from a scan) */
  setLeaf(slot: number, h: bigint): void {
    this.change(slot, this.leaf(slot), h);
  }

  clear(): void {
    this.leaves.fill(0n);
    this.inner.fill(0n);
  }

  root(partitions: readonly number[]): Buffer {
    const md5 = createHash('md5');
    const item = Buffer.allocUnsafe(2 + HASH_BYTES);
    for (const p of partitions) {
      item.writeUInt16BE(p, 0);
      item.writeBigUInt64BE(this.partition(p), 2);
      md5.update(item);
    }
    return md5.digest();
  }

  partitionHashes(partitions: readonly number[]): Buffer {
    const out = Buffer.allocUnsafe(partitions.length * HASH_BYTES);
    partitions.forEach((p, i) => out.writeBigUInt64BE(this.partition(p), i * HASH_BYTES));
    return out;
  }

  slotHashes(partitions: readonly number[]): Buffer {
    const out = Buffer.allocUnsafe(partitions.length * SLOTS_PER_PARTITION * HASH_BYTES);
    let pos = 0;
    for (const p of partitions) {
      const start = p << SHIFT;
      for (let s = start; s < start + SLOTS_PER_PARTITION; s++) pos = out.writeBigUInt64BE(this.leaf(s), pos);
    }
    return out;
  }
}
