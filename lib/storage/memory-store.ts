/**
 * In-memory Store for in-process cluster tests: a sorted array of entries ordered by
 * Buffer.compare (LevelDB's bytewise order), binary search for lookups. Same semantics as
 * LevelStore, and AbstractStore applies `durability` as for it. crash() simulates a process crash
 * (every applied batch survives), osCrash() an operating-system crash (only what was synced does).
 */
import { AbstractStore, type AbstractStoreOptions } from './abstract-store';
import type { BatchOp, RangeOptions } from './store';

interface Entry {
  readonly key: Buffer;
  value: Buffer;
}

export interface MemoryStoreOptions extends AbstractStoreOptions {
  /**
   * Offer getNow, as LevelStore does (default false: reads answer in a later microtask, the
   * schedule the simulated clusters were written against)
   */
  readonly syncReads?: boolean;
}

export class MemoryStore extends AbstractStore {
  private entries: Entry[] = [];
  /** the entries as of the last sync (what an operating-system crash keeps) */
  private synced: Entry[] = [];
  private readonly options: MemoryStoreOptions;

  override readonly syncReads: boolean;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.options = options;
    this.syncReads = options.syncReads === true;
  }

  /** number of keys held (applied writes only) */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Simulated crash: this store closes at once (its unflushed writes fail with
   * STORE_WRITE_FAILED) and the returned store, not yet open, holds what a crash keeps:
   * every batch already applied, which includes every write whose promise resolved.
   */
  crash(): MemoryStore {
    this.abort('store crashed before the write was applied');
    const survivor = new MemoryStore(this.options);
    survivor.entries = copyEntries(this.entries);
    survivor.synced = copyEntries(this.synced);
    return survivor;
  }

  /**
   * Simulated operating-system crash or power loss: as crash(), but the returned store holds only
   * what the last sync (sync(), or a batch written with `sync`) put on disk.
   */
  osCrash(): MemoryStore {
    this.abort('the machine crashed before the write was applied');
    const survivor = new MemoryStore(this.options);
    survivor.entries = copyEntries(this.synced);
    survivor.synced = copyEntries(this.synced);
    return survivor;
  }

  /**
   * Opening puts what survived on disk, as LevelStore's opening does: LevelDB turns the log it
   * recovers into synced table files, and the journal's leftovers are replayed and synced before
   * they are deleted. So after a process crash and a restart, an OS crash loses nothing written
   * before the restart.
   */
  protected async _open(): Promise<void> {
    this.synced = copyEntries(this.entries);
  }

  protected async _close(): Promise<void> {}

  protected async _sync(): Promise<void> {
    this.synced = copyEntries(this.entries);
  }

  protected async _get(key: Buffer): Promise<Buffer | undefined> {
    return this.find(key);
  }

  protected override _getNow(key: Buffer): Buffer | undefined {
    if (!this.syncReads) return super._getNow(key);
    return this.find(key);
  }

  private find(key: Buffer): Buffer | undefined {
    const i = this.lowerBound(key);
    const e = this.entries[i];
    return e !== undefined && e.key.equals(key) ? Buffer.from(e.value) : undefined;
  }

  protected _batch(ops: readonly BatchOp[], sync: boolean): Promise<void> {
    for (const op of ops) {
      const i = this.lowerBound(op.key);
      const e = this.entries[i];
      const found = e !== undefined && e.key.equals(op.key);
      if (op.type === 'put') {
        // copies: the caller may reuse its buffers once the write resolved
        if (found) e.value = Buffer.from(op.value);
        else this.entries.splice(i, 0, { key: Buffer.from(op.key), value: Buffer.from(op.value) });
      } else if (found) {
        this.entries.splice(i, 1);
      }
    }
    if (sync) this.synced = copyEntries(this.entries);
    return Promise.resolve();
  }

  protected async *_range(opts: RangeOptions): AsyncGenerator<[Buffer, Buffer]> {
    const from = opts.gte === undefined ? 0 : this.lowerBound(opts.gte);
    const to = opts.lt === undefined ? this.entries.length : this.lowerBound(opts.lt);
    const limit = opts.limit ?? Infinity;
    const count = Math.max(0, Math.min(to - from, limit));
    // a snapshot of the range when iteration starts, as LevelDB iterators give
    const picked = opts.reverse === true ? this.entries.slice(to - count, to).reverse() : this.entries.slice(from, from + count);
    const pairs = picked.map((e): [Buffer, Buffer] => [e.key, e.value]);
    for (const [k, v] of pairs) yield [Buffer.from(k), Buffer.from(v)];
  }

  /** index of the first entry whose key is >= key */
  private lowerBound(key: Buffer): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.entries[mid]!.key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function copyEntries(entries: readonly Entry[]): Entry[] {
  return entries.map((e) => ({ key: e.key, value: e.value }));
}
