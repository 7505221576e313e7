/**
 * A bounded cache of records as stored (encoded bytes; null for a key known to be missing), so
 * hot keys skip LevelDB. Encoded bytes, not decoded records: a decoded record costs ~2 KB of heap
 * and buffers, its encoding a few hundred bytes, so the same memory holds about five times the
 * keys, for one decode (~0.5 µs) per hit. Bounded in bytes, not keys: memory does not grow with
 * the keyspace. RecordStore is the only writer of records, so it keeps the cache coherent.
 */

interface Entry {
  readonly bytes: Buffer | null;
  readonly size: number;
  /** read since it last reached the old end: it gets a second chance (CLOCK eviction) */
  used: boolean;
}

/**
 * Per-entry memory beyond the key and the encoded bytes (the Map slot, the key string, the entry
 * and Buffer objects), measured as RSS: ~970 bytes in all per entry for a 100-byte value (node 20).
 */
const OVERHEAD = 800;

export class RecordCache {
  private readonly map = new Map<string, Entry>();
  /** where eviction goes on from (see nextOldest) */
  private cursor: MapIterator<[string, Entry]> | null = null;
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

  /** the stored bytes, null for a key known to be missing, undefined when not cached */
  get(name: string): Buffer | null | undefined {
    const e = this.map.get(name);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    e.used = true; // cheaper than moving it to the young end on every hit
    return e.bytes;
  }

  set(name: string, bytes: Buffer | null): void {
    if (this.maxBytes <= 0) return;
    const old = this.map.get(name);
    if (old) {
      this.bytes -= old.size;
      this.map.delete(name);
    }
    const size = name.length + (bytes?.length ?? 0) + OVERHEAD;
    if (size > this.maxBytes / 8) return; // a huge value would flush everything else
    this.map.set(name, { bytes, size, used: false });
    this.bytes += size;
    // evict from the old end; a used entry goes back to the young end once instead
    while (this.bytes > this.maxBytes) {
      const oldest = this.nextOldest();
      if (oldest === undefined) break;
      const [k, v] = oldest;
      this.map.delete(k);
      if (v.used) {
        v.used = false;
        this.map.set(k, v);
      } else {
        this.bytes -= v.size;
      }
    }
  }

  /**
   * The entry at the old end, through one iterator kept across calls (a Map iterator stays valid
   * as entries are deleted and added). A fresh `for...of` per eviction would start at the front of
   * V8's hash table each time and step over every slot deleted since its last compaction: at a
   * million keys that scan took 17% of a node's CPU.
   */
  private nextOldest(): [string, Entry] | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      this.cursor ??= this.map.entries();
      const r = this.cursor.next();
      if (r.done !== true) return r.value;
      this.cursor = null;
    }
    return undefined;
  }

  delete(name: string): void {
    const old = this.map.get(name);
    if (!old) return;
    this.bytes -= old.size;
    this.map.delete(name);
  }
}
