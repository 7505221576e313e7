/**
 * The common half of every Store, in the shape of Level/abstract-level: the public methods check
 * state and arguments and group writes; each implementation writes the `_hooks`.
 *
 * Write grouping: write() appends its ops to the queued batch and schedules one flush per tick.
 * Without a journal, up to MAX_IN_FLIGHT batches may be on the device at once, never two that
 * write the same key (the LevelDB binding runs calls on a thread pool and would not keep their
 * order); writes queued meanwhile go together in the next batch (group commit). With a journal,
 * writes are acknowledged once journaled, and one device write at a time takes every journaled
 * batch waiting, in order. Reads see queued, journaled and in-flight writes through an overlay,
 * so a read issued after write() sees it.
 *
 * Callers must not mutate buffers passed to write() until its promise settles.
 */
import { StorageError, causeMessage } from './errors';
import type { BatchOp, Durability, RangeOptions, Store, WriteOptions } from './store';
import { checkKey, checkOps, checkRange } from './validate-args';
import { Journal } from './journal';
import { atTurnEnd, TurnStage } from '../util/turn-end';

/** how the write flush is deferred: end of the microtask queue, or the check phase (setImmediate) */
export type TickScheduler = 'microtask' | 'immediate';
export type StoreStatus = 'new' | 'opening' | 'open' | 'closing' | 'closed';

export interface AbstractStoreOptions {
  /** 'always': every batch synced before its writes resolve; default 'everysec' */
  readonly durability?: Durability;
  /** default 'immediate' (measured faster under many concurrent writers; see bench/) */
  readonly tick?: TickScheduler;
  /**
   * A write-ahead journal: writes are acknowledged once journaled (one synchronous append per
   * tick), and the device applies them in the background. See journal.ts.
   */
  readonly journal?: Journal;
}

export interface BatchStats {
  /** batches handed to `_batch` */
  readonly batches: number;
  /** ops in those batches */
  readonly ops: number;
}

/** the write queue, for INFO: what waits for the device, and how often the bound held writes back */
export interface WriteQueueStats {
  /** keys written and not yet applied by the device (reads find them in an overlay) */
  readonly pendingKeys: number;
  /** journaled (acknowledged) bytes the device has not applied yet */
  readonly journalBacklogBytes: number;
  readonly journalBacklogMaxBytes: number;
  /** ticks in which acknowledging writes waited because the backlog was at its bound */
  readonly journalBacklogFull: number;
}

interface Batch {
  readonly ops: BatchOp[];
  /** overlay keys (latin1) of ops, to clear the overlay when the batch settles */
  readonly keys: string[];
  readonly result: Promise<void>;
  /** resolves when result settles either way; attaching it marks a failure as handled */
  readonly settled: Promise<void>;
  /** settles once the device holds the ops (with a journal, later than `result`) */
  readonly applied: Promise<void>;
  markApplied(): void;
  /** the journal file the batch went to; null without a journal or before it is journaled */
  journalSeq: number | null;
  /** synced before it resolves (durability 'always', or a coordinated write under 'coordinator') */
  sync: boolean;
  resolve(): void;
  reject(err: StorageError): void;
}

interface OverlayEntry {
  readonly batch: Batch;
  /** undefined for a del */
  readonly value: Buffer | undefined;
}

const noop = (): void => undefined;

/**
 * Without a journal, batches the device may apply at once (LevelDB queues them; overlap hides the
 * thread hop). With one, a single device write at a time takes every journaled batch (flushJournaled).
 */
const MAX_IN_FLIGHT = 4;
/** most ops in one device write of journaled batches (a batch larger on its own goes alone) */
const MAX_DEVICE_OPS = 65_536;

function newBatch(): Batch {
  let resolve: () => void = noop;
  let reject: (err: StorageError) => void = noop;
  const result = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let markApplied: () => void = noop;
  const applied = new Promise<void>((res) => (markApplied = res));
  return { ops: [], keys: [], result, settled: result.then(noop, noop), applied, markApplied, journalSeq: null, sync: false, resolve, reject };
}

/**
 * Journaled bytes (keys and values) waiting for the device, at most: past this, acknowledging
 * waits (backpressure), so memory stays bounded when the device falls behind. 16 MB: part of a
 * node's memory budget (lib/node.ts).
 */
const MAX_JOURNAL_BACKLOG_BYTES = 16 * 1024 * 1024;

function opBytes(ops: readonly BatchOp[]): number {
  let n = 0;
  for (const op of ops) n += 64 + op.key.length + (op.type === 'put' ? op.value.length : 0);
  return n;
}
/** a device write of journaled (acknowledged) ops that failed is retried after this long */
const RETRY_MS = 100;

export abstract class AbstractStore implements Store {
  readonly durability: Durability;
  private state: StoreStatus = 'new';
  private opening: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private queued: Batch | null = null;
  /** batches handed to _batch and not settled; their keys never overlap (see flush) */
  private readonly inFlight = new Set<Batch>();
  private readonly inFlightKeys = new Set<string>();
  private flushScheduled = false;
  private readonly journal: Journal | null;
  /** journaled (acknowledged) batches waiting for the device, in order */
  private readonly journaled: Batch[] = [];
  private backlogBytes = 0;
  private backlogFull = 0;
  private readonly overlay = new Map<string, OverlayEntry>();
  private readonly schedule: (fn: () => void) => void;
  private batches = 0;
  private opsWritten = 0;

  constructor(options: AbstractStoreOptions = {}) {
    this.durability = options.durability ?? 'everysec';
    this.schedule = options.tick === 'microtask' ? queueMicrotask : (fn) => atTurnEnd(TurnStage.STORAGE, fn);
    this.journal = options.journal ?? null;
  }

  get status(): StoreStatus {
    return this.state;
  }

  get batchStats(): BatchStats {
    return { batches: this.batches, ops: this.opsWritten };
  }

  get writeQueueStats(): WriteQueueStats {
    return {
      pendingKeys: this.overlay.size,
      journalBacklogBytes: this.backlogBytes,
      journalBacklogMaxBytes: this.journal === null ? 0 : MAX_JOURNAL_BACKLOG_BYTES,
      journalBacklogFull: this.backlogFull,
    };
  }

  open(): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    if (this.state === 'opening' && this.opening !== null) return this.opening;
    if (this.state === 'closing' && this.closing !== null) return this.closing.then(() => this.open());
    this.state = 'opening';
    const opening = (async () => {
      try {
        await this._open();
        if (this.journal) await this.recover(this.journal);
        this.state = 'open';
      } catch (err) {
        this.state = 'closed';
        throw err instanceof StorageError
          ? err
          : new StorageError('STORE_OPEN_FAILED', `store failed to open: ${causeMessage(err)}`, { cause: err });
      }
    })();
    this.opening = opening;
    return opening;
  }

  /** flushes queued writes, waits for them, then closes; writes and reads after this fail */
  close(): Promise<void> {
    if (this.state === 'closing' && this.closing !== null) return this.closing;
    if (this.state === 'opening' && this.opening !== null) return this.opening.then(() => this.close(), noop);
    if (this.state !== 'open') return Promise.resolve();
    this.state = 'closing';
    const closing = (async () => {
      try {
        await this.drain();
        // everything on disk before the close: the journal can go, and a node that stopped
        // cleanly loses nothing to a reboot (node-epoch.ts counts on it)
        await this._sync();
        this.journal?.closeAndRemoveAll();
        await this._close();
      } finally {
        this.state = 'closed';
      }
    })();
    this.closing = closing;
    return closing;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    this.checkOpen();
    checkKey(key);
    const queued = this.queuedValue(key);
    if (queued !== undefined) return queued ?? undefined;
    try {
      return await this._get(key);
    } catch (err) {
      throw this.readError(err);
    }
  }

  /** get() at once, for a device that reads synchronously (syncReads); see Store.getNow */
  getNow(key: Buffer): Buffer | undefined {
    this.checkOpen();
    checkKey(key);
    const queued = this.queuedValue(key);
    if (queued !== undefined) return queued ?? undefined;
    try {
      return this._getNow(key);
    } catch (err) {
      throw this.readError(err);
    }
  }

  /** the value of an acknowledged write not yet on the device (null: a delete); undefined: none */
  private queuedValue(key: Buffer): Buffer | null | undefined {
    if (this.overlay.size === 0) return undefined;
    const hit = this.overlay.get(key.toString('latin1'));
    if (hit === undefined) return undefined;
    return hit.value === undefined ? null : Buffer.from(hit.value);
  }

  write(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    try {
      this.checkOpen();
      checkOps(ops);
    } catch (err) {
      return Promise.reject(err);
    }
    if (ops.length === 0) return Promise.resolve();
    let batch = this.queued;
    if (batch === null) {
      batch = newBatch();
      batch.sync = this.durability === 'always';
      this.queued = batch;
    }
    if (opts?.coordinated === true && this.durability === 'coordinator') batch.sync = true;
    for (const op of ops) {
      const k = op.key.toString('latin1');
      batch.ops.push(op);
      batch.keys.push(k);
      this.overlay.set(k, { batch, value: op.type === 'put' ? op.value : undefined });
    }
    this.scheduleFlush();
    return batch.result;
  }

  /** waits for writes issued before the call to land, then iterates the device in key order */
  range(opts: RangeOptions = {}): AsyncIterable<[Buffer, Buffer]> {
    return this.iterate(opts, this.pendingSettled());
  }

  /** puts everything written before the call on disk */
  async sync(): Promise<void> {
    this.checkOpen();
    if (this.journal) {
      this.journalStage();
      try {
        await this.journal.sync();
      } catch (err) {
        throw new StorageError('STORE_WRITE_FAILED', `journal sync failed: ${causeMessage(err)}`, { cause: err });
      }
      return;
    }
    const pending = this.pendingSettled();
    if (pending !== null) {
      this.flush();
      await pending;
    }
    if (this.durability === 'always') return;
    this.checkOpen();
    try {
      await this._sync();
    } catch (err) {
      throw new StorageError('STORE_WRITE_FAILED', `sync failed: ${causeMessage(err)}`, { cause: err });
    }
  }

  protected abstract _open(): Promise<void>;
  protected abstract _close(): Promise<void>;
  protected abstract _get(key: Buffer): Promise<Buffer | undefined>;
  /** the device's synchronous read, for subclasses that set syncReads */
  protected _getNow(_key: Buffer): Buffer | undefined {
    throw new StorageError('STORE_READ_FAILED', 'this store has no synchronous reads');
  }
  /** set by a subclass whose device reads synchronously (see Store.syncReads) */
  readonly syncReads: boolean = false;
  /** apply ops atomically and in order; `sync` → on disk before resolving */
  protected abstract _batch(ops: readonly BatchOp[], sync: boolean): Promise<void>;
  /** limit is never 0 here; options are validated */
  protected abstract _range(opts: RangeOptions): AsyncIterable<[Buffer, Buffer]>;
  protected abstract _sync(): Promise<void>;

  /** simulated crash: the store is closed at once and queued (unflushed) writes fail */
  protected abort(reason: string): void {
    this.state = 'closed';
    const batch = this.queued;
    this.queued = null;
    if (batch !== null) this.settle(batch, new Error(reason));
  }

  private async *iterate(opts: RangeOptions, pending: Promise<void> | null): AsyncGenerator<[Buffer, Buffer]> {
    this.checkOpen();
    checkRange(opts);
    if (pending !== null) await pending;
    if (opts.limit === 0) return;
    this.checkOpen();
    try {
      yield* this._range(opts);
    } catch (err) {
      throw this.readError(err);
    }
  }

  private checkOpen(): void {
    if (this.state !== 'open') throw new StorageError('STORE_NOT_OPEN', `store is not open (${this.state})`);
  }

  private readError(err: unknown): StorageError {
    if (err instanceof StorageError) return err;
    if (this.state !== 'open') {
      return new StorageError('STORE_NOT_OPEN', `store closed during read: ${causeMessage(err)}`, { cause: err });
    }
    return new StorageError('STORE_READ_FAILED', `read failed: ${causeMessage(err)}`, { cause: err });
  }

  /** settles when every write issued so far has settled; null when none is pending */
  private pendingSettled(): Promise<void> | null {
    const all = [...this.inFlight, ...this.journaled].map((b) => b.applied);
    if (this.queued !== null) all.push(this.queued.applied);
    return all.length === 0 ? null : all.length === 1 ? all[0] : Promise.all(all).then(noop);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(this.onTick);
  }

  private readonly onTick = (): void => {
    this.flushScheduled = false;
    this.journalStage();
    this.flush();
  };

  /** journal the queued batch and acknowledge it; the device applies it later (flush) */
  private journalStage(): void {
    const batch = this.queued;
    if (this.journal === null || batch === null) return;
    if (this.backlogBytes >= MAX_JOURNAL_BACKLOG_BYTES) {
      this.backlogFull++;
      return;
    }
    try {
      batch.journalSeq = this.journal.append(batch.ops);
      if (batch.sync) this.journal.syncNow();
    } catch (err) {
      this.queued = null;
      this.settle(batch, err ?? new Error('journal append failed'));
      return;
    }
    this.queued = null;
    this.journaled.push(batch);
    this.backlogBytes += opBytes(batch.ops);
    batch.resolve();
  }

  /** device batches fully applied: their journal files go once the device has synced */
  private collect(files: string[]): void {
    if (files.length === 0 || this.journal === null) return;
    const journal = this.journal;
    const synced = this.durability === 'always' ? Promise.resolve() : this._sync();
    synced.then(() => journal.removeFiles(files), noop);
  }

  private flush(): void {
    if (this.journal) return this.flushJournaled();
    // Several batches may be in flight (the device overlaps them), but never two that write the
    // same key: their order of application would be up to the device's threads.
    const batch = this.queued;
    if (batch === null || this.inFlight.size >= MAX_IN_FLIGHT) return;
    for (const k of batch.keys) if (this.inFlightKeys.has(k)) return;
    this.queued = null;
    this.inFlight.add(batch);
    for (const k of batch.keys) this.inFlightKeys.add(k);
    this.batches++;
    this.opsWritten += batch.ops.length;
    this.deviceBatch(batch.ops, batch.sync).then(
      () => this.settle(batch, null),
      (err: unknown) => this.settle(batch, err ?? new Error('batch failed')),
    );
  }

  /**
   * With a journal, one device write at a time takes every journaled batch waiting, in order, as
   * one batch. LevelDB applies writes one group at a time anyway, and when it falls behind it
   * delays each write (a full level 0 costs every write a millisecond): one batch per tick then
   * left the device ever further behind, and the journal backlog (and the heap holding it) full.
   */
  private flushJournaled(): void {
    if (this.inFlight.size > 0 || this.journaled.length === 0) return;
    let n = 0;
    let ops = 0;
    while (n < this.journaled.length && (n === 0 || ops + this.journaled[n].ops.length <= MAX_DEVICE_OPS)) {
      ops += this.journaled[n++].ops.length;
    }
    const group = this.journaled.splice(0, n);
    for (const b of group) this.inFlight.add(b);
    this.batches++;
    this.opsWritten += ops;
    // the journal was synced; the device is synced before journal files go (collect), except
    // under 'always', where each device batch is synced as before
    const all = group.length === 1 ? group[0].ops : group.flatMap((b) => b.ops);
    this.deviceBatch(all, this.durability === 'always').then(
      () => this.settleJournaled(group, null),
      (err: unknown) => this.settleJournaled(group, err ?? new Error('batch failed')),
    );
  }

  private deviceBatch(ops: readonly BatchOp[], sync: boolean): Promise<void> {
    try {
      return this._batch(ops, sync);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private settle(batch: Batch, err: unknown): void {
    batch.markApplied();
    for (const k of batch.keys) {
      if (this.overlay.get(k)?.batch === batch) this.overlay.delete(k);
    }
    if (this.inFlight.delete(batch)) for (const k of batch.keys) this.inFlightKeys.delete(k);
    if (err === null) {
      batch.resolve();
    } else {
      const msg = `batch of ${batch.ops.length} ops failed: ${causeMessage(err)}`;
      batch.reject(new StorageError('STORE_WRITE_FAILED', msg, { cause: err }));
    }
    if (this.queued !== null && this.state !== 'closed') this.scheduleFlush();
  }

  /**
   * Journaled batches were acknowledged already: on success they leave the overlay; a failed
   * device write is retried (their ops stay readable through the overlay and are in the
   * journal), never reported to writers who were told it succeeded.
   */
  private settleJournaled(group: Batch[], err: unknown): void {
    for (const b of group) this.inFlight.delete(b);
    if (err !== null && this.state !== 'closed') {
      this.journaled.unshift(...group);
      setTimeout(() => this.flush(), RETRY_MS);
      return;
    }
    for (const batch of group) {
      for (const k of batch.keys) {
        if (this.overlay.get(k)?.batch === batch) this.overlay.delete(k);
      }
      this.backlogBytes -= opBytes(batch.ops);
      batch.markApplied();
      this.collect(this.journal!.applied(batch.journalSeq!));
    }
    if ((this.queued !== null || this.journaled.length > 0) && this.state !== 'closed') this.scheduleFlush();
  }

  /** replay what an earlier run journaled and the device may lack, in order, then drop it */
  private async recover(journal: Journal): Promise<void> {
    const files = journal.leftovers();
    for (const file of files) {
      let chunk: BatchOp[] = [];
      for (const ops of Journal.read(file)) {
        chunk.push(...ops);
        if (chunk.length >= 10_000) {
          await this._batch(chunk, false);
          chunk = [];
        }
      }
      if (chunk.length > 0) await this._batch(chunk, false);
    }
    if (files.length > 0) {
      await this._sync();
      journal.removeFiles(files);
    }
    journal.start();
  }

  /** flush and wait until nothing is queued or in flight (no new writes arrive while closing) */
  private async drain(): Promise<void> {
    for (;;) {
      this.journalStage();
      this.flush();
      const pending = this.pendingSettled();
      if (pending === null) return;
      await pending;
    }
  }
}
