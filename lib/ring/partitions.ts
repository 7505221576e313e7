/**
 * Partitions: the unit the ring places. The 16384 slots are cut into PARTITION_COUNT equal runs
 * of contiguous slots (Dynamo's strategy 3, Q equal partitions), so a node's slots form at most
 * PARTITION_COUNT ranges and CLUSTER SLOTS stays small.
 */
import { RingError } from './errors';
import { SLOT_COUNT } from './key-slot';

/** Q: how many partitions the slots are cut into (a power of two dividing SLOT_COUNT). */
export const PARTITION_COUNT = 1024;
/** Slots per partition: 16. */
export const SLOTS_PER_PARTITION = SLOT_COUNT / PARTITION_COUNT;
const SHIFT = Math.log2(SLOTS_PER_PARTITION);

export function checkSlot(slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
    throw new RingError('RING_INVALID_SLOT', `slot must be an integer in 0..${SLOT_COUNT - 1}, got ${slot}`);
  }
}

/** The partition (0..PARTITION_COUNT-1) holding a slot: slot >> 4. */
export function partitionOf(slot: number): number {
  checkSlot(slot);
  return slot >>> SHIFT;
}

/** The first and last (inclusive) slot of a partition. */
export function partitionSlots(partition: number): { readonly start: number; readonly end: number } {
  if (!Number.isInteger(partition) || partition < 0 || partition >= PARTITION_COUNT) {
    throw new RingError('RING_INVALID_PARTITION', `partition must be an integer in 0..${PARTITION_COUNT - 1}, got ${partition}`);
  }
  const start = partition << SHIFT;
  return { start, end: start + SLOTS_PER_PARTITION - 1 };
}
