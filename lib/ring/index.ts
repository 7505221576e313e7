export { RingError, type RingErrorCode } from './errors';
export { keySlot, crc16, SLOT_COUNT } from './key-slot';
export { partitionOf, partitionSlots, PARTITION_COUNT, SLOTS_PER_PARTITION } from './partitions';
export { buildRing, ringChecksum, DEFAULT_TABLE_N, type Member, type Ring, type RingMember, type RingOptions } from './ring';
export { preferenceList, preferenceListWithFallbacks, walk, type PreferenceEntry } from './preference';
export { slotRanges, type SlotRange } from './slot-ranges';
export { ownedSlots, ownershipChanges, type OwnershipChange } from './ownership';
