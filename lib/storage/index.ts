export type { BatchOp, Durability, RangeOptions, Store } from './store';
export * from './keys';
export { StorageError, isStorageError, type StorageErrorCode } from './errors';
export {
  AbstractStore,
  type AbstractStoreOptions,
  type BatchStats,
  type StoreStatus,
  type TickScheduler,
} from './abstract-store';
export { MemoryStore, type MemoryStoreOptions } from './memory-store';
export { LevelStore, SYNC_MARKER_KEY, type LevelStoreOptions } from './level-store';
