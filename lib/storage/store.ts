/**
 * The Store: ordered binary keys and values on disk or in memory. Layers above it (replica,
 * hints, anti-entropy) build their own key layouts (see keys.ts). Every implementation passes the
 * one compliance suite in test/storage/.
 */

export type BatchOp =
  | { readonly type: 'put'; readonly key: Buffer; readonly value: Buffer }
  | { readonly type: 'del'; readonly key: Buffer };

export interface RangeOptions {
  /** inclusive lower bound */
  readonly gte?: Buffer;
  /** exclusive upper bound */
  readonly lt?: Buffer;
  readonly limit?: number;
  readonly reverse?: boolean;
}

/**
 * When acknowledged writes reach the disk: 'always' each batch is synced before its writes
 * resolve; 'coordinator' only batches holding a write made with `{ coordinated: true }` are
 * (Dynamo's "one of the W replicas performs a durable write"); 'everysec' and 'no' never (the node
 * syncs every second, or the OS flushes when it likes).
 */
export type Durability = 'always' | 'coordinator' | 'everysec' | 'no';

export interface WriteOptions {
  /** the write of a version this node coordinated: synced under durability 'coordinator' */
  readonly coordinated?: boolean;
}

export interface Store {
  open(): Promise<void>;
  close(): Promise<void>;
  /** undefined for a missing key; sees writes already acknowledged by write() */
  get(key: Buffer): Promise<Buffer | undefined>;
  /**
   * True when getNow answers: the device reads synchronously (LevelDB's getSync), so a reader need
   * not wait a promise (or several microtask turns) for a value that is there at once.
   */
  readonly syncReads?: boolean;
  /** what get() would resolve, at once; throws as get() rejects. Only when `syncReads`. */
  getNow?(key: Buffer): Buffer | undefined;
  /**
   * Apply ops atomically. Writes issued in the same tick are grouped into one batch on the
   * device; the promise resolves once the batch holding these ops is applied (and on disk, for
   * durability 'always', and under 'coordinator' for a coordinated write).
   */
  write(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void>;
  /** key/value pairs in key order within the range */
  range(opts: RangeOptions): AsyncIterable<[Buffer, Buffer]>;
  /** put everything written so far on disk (used by `fsync everysec`) */
  sync(): Promise<void>;
}
