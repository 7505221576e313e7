/**
 * A replica's versioned records on top of a Store: decode/encode, merge-on-write under a per-key
 * lock (read-modify-write must not interleave), a bounded cache of hot records, and slot-ordered
 * scans.
 */
import type { Store, WriteOptions } from './store';
import type { NodeId, NewVersion, VersionVector, VRecord } from '../versioning/types';
import { applyWrite, decodeRecord, emptyRecord, encodeRecord, mergeRecords, recordsEqual } from '../versioning';
import { vvGet } from '../versioning/vv';
import { dataKey, dataRange, metaKey, parseDataKey } from './keys';
import { KeyLocks } from '../util/key-locks';
import { RecordCache } from './record-cache';

export interface SlotKeyRecord {
  readonly slot: number;
  readonly key: Buffer;
  readonly record: VRecord;
}

export interface StartedWrite {
  readonly record: VRecord;
  /** the record's encoding as stored (null: the key has no record and fn changed nothing) */
  readonly stored: Buffer | null;
  /** settles when the record is in the store */
  readonly durable: Promise<void>;
}

const DONE = Promise.resolve();
/** a version this node coordinated: under `fsync coordinator` it is synced before it resolves */
const COORDINATED: WriteOptions = { coordinated: true };
/** the dot floor (see reap): float64be */
const DOT_FLOOR_KEY = metaKey('dot-floor');

/**
 * Told of every write once it is in the store: the record before and after (null: removed) and
 * the stored bytes of `after`. Called in the order the writes complete; anti-entropy keeps its
 * leaves from it. Must not throw.
 */
/** after a write landed: the record before and after, and each one's stored bytes (null: absent) */
export type RecordChangeListener = (
  slot: number,
  key: Buffer,
  before: VRecord,
  after: VRecord | null,
  stored: Buffer | null,
  storedBefore: Buffer | null,
) => void;

export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

export class RecordStore {
  private readonly locks = new KeyLocks();
  readonly cache: RecordCache;
  /** bumped by every write: a read that raced one does not fill the cache with what it saw */
  private writes = 0;
  /** set by anti-entropy (at most one listener) */
  onChange: RecordChangeListener | null = null;
  /** above every counter this node gave a record it has since reaped: new dots start above it */
  private dotFloor = 0;
  private reaped = 0;

  constructor(
    readonly store: Store,
    cacheBytes = DEFAULT_CACHE_BYTES,
  ) {
    this.cache = new RecordCache(cacheBytes);
  }

  get(slot: number, key: Buffer): Promise<VRecord> {
    // a cached record, or one the store reads at once, is decoded now: no promise chain
    const name = key.toString('latin1');
    const cached = this.cache.get(name);
    if (cached !== undefined || this.store.syncReads === true) {
      try {
        return Promise.resolve(recordOf(cached !== undefined ? cached : this.readNow(slot, key, name)));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.fetch(slot, key, name).then((r) => r.record);
  }

  /**
   * The record's stored bytes (null when absent), not decoded: what a replica sends a coordinator
   * that reads it, which decodes them itself.
   */
  getStored(slot: number, key: Buffer): Promise<Buffer | null> {
    const name = key.toString('latin1');
    const cached = this.cache.get(name);
    if (cached !== undefined) return Promise.resolve(cached);
    if (this.store.syncReads === true) {
      try {
        return Promise.resolve(this.readNow(slot, key, name));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.fetch(slot, key, name).then((r) => r.bytes);
  }

  /**
   * The stored bytes read from a store with syncReads, put in the cache: no write can land
   * between the read and the fill, so what is cached is what the store holds.
   */
  private readNow(slot: number, key: Buffer, name: string): Buffer | null {
    const bytes = this.store.getNow!(dataKey(slot, key)) ?? null;
    this.cache.set(name, bytes);
    return bytes;
  }

  /**
   * The record and its stored bytes (null when absent), from the cache or the store. `fill`: a
   * record read from the store goes into the cache (a write about to replace it skips that).
   */
  private async load(slot: number, key: Buffer, fill = true): Promise<{ record: VRecord; bytes: Buffer | null }> {
    const name = key.toString('latin1');
    const bytes = this.cache.get(name);
    if (bytes !== undefined) return { record: recordOf(bytes), bytes };
    return this.fetch(slot, key, name, fill);
  }

  /** past the cache, which the caller looked up: the store's record, cached if `fill` */
  private async fetch(slot: number, key: Buffer, name: string, fill = true): Promise<{ record: VRecord; bytes: Buffer | null }> {
    const before = this.writes;
    const r = await this.read(slot, key);
    if (fill && this.writes === before) this.cache.set(name, r.bytes);
    return r;
  }

  /** the record as the store holds it, past the cache */
  private async read(slot: number, key: Buffer): Promise<{ record: VRecord; bytes: Buffer | null }> {
    const bytes = (await this.store.get(dataKey(slot, key))) ?? null;
    return { record: recordOf(bytes), bytes };
  }

  /** a write coordinated here: the new version joins this replica's record */
  async coordinate(slot: number, key: Buffer, node: NodeId, ctx: VersionVector | null, v: NewVersion): Promise<VRecord> {
    const w = await this.coordinateStarted(slot, key, node, ctx, v);
    await w.durable;
    return w.record;
  }

  /**
   * The new record at once (the next write of the key already builds on it), and `durable`,
   * which settles when it is in the store: a coordinator sends the record to the other replicas
   * while its own copy is being written.
   */
  coordinateStarted(slot: number, key: Buffer, node: NodeId, ctx: VersionVector | null, v: NewVersion): Promise<StartedWrite> {
    return this.start(slot, key, (cur) => applyWrite(cur, ctx ?? cur.vv, node, v, this.dotFloor), COORDINATED);
  }

  /** reads the dot floor a previous run kept (call once the store is open, before any write) */
  async loadDotFloor(): Promise<void> {
    const b = await this.store.get(DOT_FLOOR_KEY);
    this.dotFloor = b !== undefined && b.length === 8 ? b.readDoubleBE(0) : 0;
  }

  /** records reaped since start */
  get reapedCount(): number {
    return this.reaped;
  }

  /**
   * Tombstone GC: drops the key's record if it still equals `expected` (false when a write came
   * in meanwhile). Forgetting a record forgets the counters `self` gave it, so the dot floor rises
   * above them first, in the same atomic batch: a later write coordinated here can never repeat a
   * dot that a stale copy elsewhere may still carry.
   */
  async reap(slot: number, key: Buffer, expected: VRecord, self: NodeId): Promise<boolean> {
    const release = this.locks.tryAcquire([key], true) ?? (await this.locks.acquire([key], true));
    let durable: Promise<void>;
    try {
      const cur = await this.load(slot, key);
      if (!recordsEqual(cur.record, expected)) return false;
      this.dotFloor = Math.max(this.dotFloor, vvGet(cur.record.vv, self));
      const floor = Buffer.allocUnsafe(8);
      floor.writeDoubleBE(this.dotFloor, 0);
      this.writes++;
      this.cache.delete(key.toString('latin1'));
      durable = this.store.write([{ type: 'put', key: DOT_FLOOR_KEY, value: floor }, { type: 'del', key: dataKey(slot, key) }]);
      const listener = this.onChange;
      if (listener !== null) durable = durable.then(() => listener(slot, key, cur.record, null, null, cur.bytes));
      this.reaped++;
    } finally {
      release();
    }
    await durable;
    return true;
  }

  /** a record from another replica (replication, read repair, handoff, anti-entropy) */
  async merge(slot: number, key: Buffer, incoming: VRecord): Promise<{ record: VRecord; changed: boolean }> {
    let changed = false;
    const record = await this.update(slot, key, (cur) => {
      const next = mergeRecords(cur, incoming);
      changed = next !== cur && !recordsEqual(next, cur);
      return changed ? next : null;
    });
    return { record, changed };
  }

  /** drop the record outright (tombstone reaping, local cleanup) */
  async remove(slot: number, key: Buffer): Promise<void> {
    const release = this.locks.tryAcquire([key], true) ?? (await this.locks.acquire([key], true));
    let durable: Promise<void>;
    try {
      const listener = this.onChange;
      const before = listener === null ? null : await this.load(slot, key);
      this.writes++;
      this.cache.delete(key.toString('latin1'));
      durable = this.store.write([{ type: 'del', key: dataKey(slot, key) }]);
      if (listener !== null && before !== null) {
        durable = durable.then(() => listener(slot, key, before.record, null, null, before.bytes));
      }
    } finally {
      release();
    }
    await durable;
  }

  /** apply fn to the current record and wait until the result is stored; null from fn = unchanged */
  async update(slot: number, key: Buffer, fn: (cur: VRecord) => VRecord | null): Promise<VRecord> {
    const w = await this.start(slot, key, fn);
    await w.durable;
    return w.record;
  }

  /**
   * Read-modify-write under the key's lock, which is held only until the new record is computed
   * and cached: later writes of the key build on it at once, and the store keeps two writes of
   * one key in order (same batch, or the later batch waits), so the lock need not cover the disk.
   */
  private start(slot: number, key: Buffer, fn: (cur: VRecord) => VRecord | null, opts?: WriteOptions): Promise<StartedWrite> {
    const name = key.toString('latin1');
    if (!this.locks.busy(name)) {
      // uncontended, and cached or in a store that reads at once (the common case): all of it
      // now, without an await. The lock is not taken: it would be released before anything else
      // could run (KeyLocks.busy).
      const cached = this.cache.get(name);
      if (cached !== undefined || this.store.syncReads === true) {
        try {
          // not cached: read at once; no fill, as apply caches what replaces it
          const cur = cached !== undefined ? cached : (this.store.getNow!(dataKey(slot, key)) ?? null);
          return Promise.resolve(this.apply(slot, key, name, recordOf(cur), cur, fn, opts));
        } catch (err) {
          return Promise.reject(err);
        }
      }
      return this.startSlow(slot, key, name, fn, opts, this.locks.tryAcquire([key], true));
    }
    return this.startSlow(slot, key, name, fn, opts, null);
  }

  /** the slow path: wait for the lock unless `held`; read the store if the cache lacks the key */
  private async startSlow(
    slot: number,
    key: Buffer,
    name: string,
    fn: (cur: VRecord) => VRecord | null,
    opts: WriteOptions | undefined,
    held: (() => void) | null,
  ): Promise<StartedWrite> {
    const release = held ?? (await this.locks.acquire([key], true));
    try {
      // with the lock held from the start, the cache was just looked up: straight to the store
      const { record, bytes } = held !== null ? await this.read(slot, key) : await this.load(slot, key, false);
      return this.apply(slot, key, name, record, bytes, fn, opts);
    } finally {
      release();
    }
  }

  /** under the key's lock: fn's record replaces `cur` in the cache at once and goes to the store */
  private apply(
    slot: number,
    key: Buffer,
    name: string,
    cur: VRecord,
    curBytes: Buffer | null,
    fn: (cur: VRecord) => VRecord | null,
    opts: WriteOptions | undefined,
  ): StartedWrite {
    const next = fn(cur);
    if (next === null) return { record: cur, stored: curBytes, durable: DONE };
    const value = encodeRecord(next);
    this.writes++;
    this.cache.set(name, value);
    let durable = this.store.write([{ type: 'put', key: dataKey(slot, key), value }], opts);
    const listener = this.onChange;
    if (listener !== null) durable = durable.then(() => listener(slot, key, cur, next, value, curBytes));
    durable.catch(() => this.cache.delete(name)); // what is on disk is unknown now
    return { record: next, stored: value, durable };
  }

  /** records of slots from..to inclusive, in slot then key order */
  async *scanSlots(fromSlot: number, toSlot: number): AsyncIterable<SlotKeyRecord> {
    for await (const [k, v] of this.store.range(dataRange(fromSlot, toSlot))) {
      const { slot, key } = parseDataKey(k);
      yield { slot, key: Buffer.from(key), record: decodeRecord(v) };
    }
  }
}

/** the record stored bytes hold (null: no record) */
function recordOf(bytes: Buffer | null): VRecord {
  return bytes === null ? emptyRecord() : decodeRecord(bytes);
}
