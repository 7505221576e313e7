/** INFO `storage`: the record cache and the write queue in front of LevelDB. */
import type { RecordCache } from '../storage/record-cache';
import type { AbstractStore } from '../storage/abstract-store';

export function storageInfo(cache: RecordCache, store: AbstractStore): Array<[string, number]> {
  const q = store.writeQueueStats;
  const b = store.batchStats;
  return [
    ['record_cache_keys', cache.size],
    ['record_cache_bytes', cache.usedBytes],
    ['record_cache_max_bytes', cache.maxBytes],
    ['record_cache_hits', cache.hits],
    ['record_cache_misses', cache.misses],
    ['store_pending_keys', q.pendingKeys],
    ['store_device_batches', b.batches],
    ['store_device_ops', b.ops],
    ['journal_backlog_bytes', q.journalBacklogBytes],
    ['journal_backlog_max_bytes', q.journalBacklogMaxBytes],
    ['journal_backlog_full', q.journalBacklogFull],
  ];
}
