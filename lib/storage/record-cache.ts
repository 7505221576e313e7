/**
 * A bounded cache of decoded records (missing keys included), so hot keys skip LevelDB and the
 * decoder. Bounded in bytes, not keys: memory does not grow with the keyspace. RecordStore is the
 * only writer of records, so it keeps the cache coherent by updating it on every write.
 */
import type { VRecord } from '../versioning/types';

interface Entry {
  readonly record: VRecord;
  readonly bytes: number;
  /** read since it last reached the old end: it gets a second chance (CLOCK eviction) */
  used: boolean;
}

/**
 * Per-entry memory beyond the key and the encoded record, measured (node 20, a 100-byte value,
 * one sibling, a 40-character node id): ~1.6 KB of heap (the Map slot, the key string, the record,
 * its version-vector Map, sibling and payload objects) and ~0.5 KB for the value's own buffer.
 */
const OVERHEAD = 2048;

export class RecordCache {
  private readonly map = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.map.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(name: string): VRecord | undefined {
    const e = this.map.get(name);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    e.used = true; // cheaper than moving it to the young end on every hit
    return e.record;
  }

  set(name: string, record: VRecord, encodedBytes: number): void {
    if (this.maxBytes <= 0) return;
    const old = this.map.get(name);
    if (old) {
      this.bytes -= old.bytes;
      this.map.delete(name);
    }
    const bytes = name.length + encodedBytes + OVERHEAD;
    if (bytes > this.maxBytes / 8) return; // a huge value would flush everything else
    this.map.set(name, { record, bytes, used: false });
    this.bytes += bytes;
    // evict from the old end; a used entry goes back to the young end once instead
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      if (v.used) {
        v.used = false;
        this.map.set(k, v);
      } else {
        this.bytes -= v.bytes;
      }
    }
  }

  delete(name: string): void {
    const old = this.map.get(name);
    if (!old) return;
    this.bytes -= old.bytes;
    this.map.delete(name);
  }
}
