/**
 * The LevelDB Store (`level` v10 → classic-level): buffer keys and values, bytewise order.
 *
 * Durability: 'always' writes every batch with `sync: true` (fdatasync of the LevelDB log before
 * the batch resolves). 'everysec' and 'no' write unsynced; sync() then writes a one-op batch with
 * `sync: true`, which fdatasyncs the current log file and with it every earlier write appended to
 * it (leveldb db_impl.cc: AddRecord, then logfile_->Sync()). The caller runs the everysec timer.
 */
import { Level } from 'level';
import { Journal } from './journal';
import { AbstractStore, type AbstractStoreOptions } from './abstract-store';
import { StorageError, causeMessage } from './errors';
import { metaKey } from './keys';
import type { BatchOp, RangeOptions } from './store';

export interface LevelStoreOptions extends AbstractStoreOptions {
  /** data directory (LevelDB's location); created if missing */
  readonly dir: string;
  /** LevelDB block cache in bytes (LevelDB default 8 MiB) */
  readonly cacheSize?: number;
  /** LevelDB memtable / log size in bytes before a flush to level 0 (default 4 MiB) */
  readonly writeBufferSize?: number;
  /** acknowledge writes once in a write-ahead journal at `<dir>-journal` (journal.ts) */
  readonly journaled?: boolean;
}

/** reserved key deleted by sync(): a tiny synced log record that leaves no entry behind */
export const SYNC_MARKER_KEY = metaKey('\u0000store-sync-marker');

/** entries fetched from the native iterator per round trip */
const ITERATOR_CHUNK = 1000;

const SYNC = { sync: true };
const NO_SYNC = { sync: false };

/** classic-level's native batch calls (its ChainedBatch uses them) and the database they act on */
interface NativeBatches {
  readonly binding: {
    batch_init(db: unknown): unknown;
    batch_put(batch: unknown, key: Buffer, value: Buffer): void;
    batch_del(batch: unknown, key: Buffer): void;
    batch_write(batch: unknown, opts: { sync: boolean }): Promise<void>;
  };
  readonly db: unknown;
}

/**
 * classic-level's binding and the native handle of `db`, or null when this classic-level does not
 * have them where version 3 keeps them (LevelStore then uses its _batch).
 */
function nativeBatches(db: object): NativeBatches | null {
  try {
    const binding = require('classic-level/binding.js') as Partial<NativeBatches['binding']>;
    const symbol = Object.getOwnPropertySymbols(db).find((s) => s.description === 'context');
    const handle = symbol === undefined ? undefined : (db as Record<symbol, unknown>)[symbol];
    if (handle === undefined || typeof binding.batch_init !== 'function' || typeof binding.batch_put !== 'function' ||
        typeof binding.batch_del !== 'function' || typeof binding.batch_write !== 'function') return null;
    return { binding: binding as NativeBatches['binding'], db: handle };
  } catch {
    return null;
  }
}

interface CodedError {
  readonly code?: unknown;
  readonly cause?: unknown;
}

function hasCode(err: unknown, code: string): boolean {
  for (let e: unknown = err; typeof e === 'object' && e !== null; e = (e as CodedError).cause) {
    if ((e as CodedError).code === code) return true;
  }
  return false;
}

export class LevelStore extends AbstractStore {
  readonly dir: string;
  private readonly db: Level<Buffer, Buffer>;
  private readonly native: NativeBatches | null;

  constructor(options: LevelStoreOptions) {
    super(options.journaled ? { ...options, journal: new Journal({ dir: `${options.dir}-journal` }) } : options);
    this.dir = options.dir;
    this.db = new Level<Buffer, Buffer>(options.dir, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
      ...(options.cacheSize !== undefined ? { cacheSize: options.cacheSize } : {}),
      ...(options.writeBufferSize !== undefined ? { writeBufferSize: options.writeBufferSize } : {}),
    });
    this.native = nativeBatches(this.db);
  }

  protected async _open(): Promise<void> {
    try {
      await this.db.open({ createIfMissing: true });
    } catch (err) {
      if (hasCode(err, 'LEVEL_LOCKED')) {
        throw new StorageError(
          'STORE_LOCKED',
          `data directory ${this.dir} is in use by another process or store (LevelDB lock held)`,
          { cause: err },
        );
      }
      throw new StorageError('STORE_OPEN_FAILED', `cannot open store at ${this.dir}: ${causeMessage(err)}`, {
        cause: err,
      });
    }
  }

  protected _close(): Promise<void> {
    return this.db.close();
  }

  // Reads are synchronous, on the event loop: the record is nearly always in LevelDB's memtable,
  // block cache or the OS page cache, and a thread-pool hop per read cost more than the read
  // itself (25% of CPU under redis-benchmark in a profile, plus idle waits).
  override readonly syncReads = true;

  protected override _getNow(key: Buffer): Buffer | undefined {
    return this.db.getSync(key);
  }

  protected _get(key: Buffer): Promise<Buffer | undefined> {
    try {
      return Promise.resolve(this._getNow(key));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  protected _batch(ops: readonly BatchOp[], sync: boolean): Promise<void> {
    // Straight to the native batch calls of classic-level's ChainedBatch, one call per op with
    // its key and value: classic-level's _batch reads each op's type, key and value back out of
    // the JS object through N-API named lookups (11% of a node's main thread under SET -P 16), and
    // abstract-level's public batch() also clones, validates and re-encodes every op. AbstractStore
    // has already validated these Buffer-only ops and checked that the store is open.
    const native = this.native;
    if (native !== null && this.db.status === 'open') {
      try {
        const batch = native.binding.batch_init(native.db);
        for (const op of ops) {
          if (op.type === 'put') native.binding.batch_put(batch, op.key, op.value);
          else native.binding.batch_del(batch, op.key);
        }
        return native.binding.batch_write(batch, sync ? SYNC : NO_SYNC);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const direct = (this.db as unknown as { _batch?: (o: readonly BatchOp[], opts: { sync: boolean }) => Promise<void> })._batch;
    if (typeof direct === 'function' && this.db.status === 'open') return direct.call(this.db, ops, { sync });
    return this.db.batch(ops as BatchOp[], { sync });
  }

  protected _sync(): Promise<void> {
    return this.db.batch([{ type: 'del', key: SYNC_MARKER_KEY }], { sync: true });
  }

  protected async *_range(opts: RangeOptions): AsyncGenerator<[Buffer, Buffer]> {
    const it = this.db.iterator({
      ...(opts.gte !== undefined ? { gte: opts.gte } : {}),
      ...(opts.lt !== undefined ? { lt: opts.lt } : {}),
      limit: opts.limit === undefined || opts.limit === Infinity ? -1 : opts.limit,
      reverse: opts.reverse === true,
    });
    try {
      for (;;) {
        const entries = await it.nextv(ITERATOR_CHUNK);
        if (entries.length === 0) return;
        for (const [k, v] of entries) yield [k, v];
      }
    } finally {
      await it.close();
    }
  }
}
