/**
 * A bounded cache of records as stored (encoded bytes; null for a key known to be missing), so
 * hot keys skip LevelDB. Encoded bytes, not decoded records: a decoded record costs ~2 KB of heap
 * and buffers, its encoding a few hundred bytes. The bytes are kept as a one-byte (latin1) string,
 * not a Buffer: a string is one heap object with its bytes inline, where a Buffer is a typed array,
 * an ArrayBuffer and an off-heap backing store (~620 bytes of heap and external memory per entry
 * for a 180-byte record, against ~350 as a string), so the same memory holds twice the keys, for
 * one copy back into a Buffer (~0.1 µs) per hit. Bounded in bytes, not keys: memory does not grow
 * with the keyspace. RecordStore is the only writer of records, so it keeps the cache coherent.
 *
 * Eviction is first in, first out, in the order keys entered the cache; neither a read nor a
 * write moves a key (a CLOCK bit per read cost a second hash lookup on every hit, 3% of a node's
 * CPU under GET load; see set for writes): a hot key is dropped once per pass of the cache and
 * read from the store once, a few times a minute at most when the cache turns over fast. A write
 * not yet in the store is safe to drop: reads see it through the store's overlay.
 */

/**
 * Per-entry memory beyond the key and the stored bytes (the Map slot, two string headers), from
 * V8's heap after a full GC: 100,000 entries of a 16-byte key and a 180-byte record took 33.7 MiB,
 * ~350 bytes each (node 20).
 */
const OVERHEAD = 150;
/** the stored form of "known to be missing" (no encoded record is empty) */
const MISSING = '';

export class RecordCache {
  private readonly map = new Map<string, string>();
  /** where eviction goes on from (see nextOldest) */
  private cursor: MapIterator<[string, string]> | null = null;
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.map.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  /** the stored bytes, null for a key known to be missing, undefined when not cached */
  get(name: string): Buffer | null | undefined {
    const s = this.map.get(name);
    if (s === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return s === MISSING ? null : Buffer.from(s, 'latin1');
  }

  set(name: string, bytes: Buffer | null): void {
    if (this.maxBytes <= 0) return;
    const size = entrySize(name, bytes?.length ?? 0);
    if (size > this.maxBytes / 8) {
      this.delete(name); // a huge value would flush everything else
      return;
    }
    const old = this.map.get(name);
    // a cached key is updated in place, keeping its place in line: deleting and re-inserting it
    // would leave a dead entry in its bucket of V8's hash table each time, which every later
    // insert into that bucket walks until the table is rebuilt, so a key written thousands of
    // times between rebuilds (a Zipfian load's hot keys) made Map.set a replica's largest cost
    if (old !== undefined) this.bytes -= entrySize(name, old.length);
    this.map.set(name, bytes === null ? MISSING : bytes.toString('latin1'));
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      const oldest = this.nextOldest();
      if (oldest === undefined) break;
      this.map.delete(oldest[0]);
      this.bytes -= entrySize(oldest[0], oldest[1].length);
    }
  }

  /**
   * The entry at the old end, through one iterator kept across calls (a Map iterator stays valid
   * as entries are deleted and added). A fresh `for...of` per eviction would start at the front of
   * V8's hash table each time and step over every slot deleted since its last compaction: at a
   * million keys that scan took 17% of a node's CPU.
   */
  private nextOldest(): [string, string] | undefined {
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
    if (old === undefined) return;
    this.bytes -= entrySize(name, old.length);
    this.map.delete(name);
  }
}

function entrySize(name: string, bytes: number): number {
  return name.length + bytes + OVERHEAD;
}
