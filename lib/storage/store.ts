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

export type Durability = 'always' | 'everysec' | 'no';

export interface Store {
  open(): Promise<void>;
  close(): Promise<void>;
  /** undefined for a missing key; sees writes already acknowledged by write() */
  get(key: Buffer): Promise<Buffer | undefined>;
  /**
   * Apply ops atomically. Writes issued in the same tick are grouped into one batch on the
   * device; the promise resolves once the batch holding these ops is applied (and on disk, for
   * durability 'always').
   */
  write(ops: readonly BatchOp[]): Promise<void>;
  /** key/value pairs in key order within the range */
  range(opts: RangeOptions): AsyncIterable<[Buffer, Buffer]>;
  /** put everything written so far on disk (used by `fsync everysec`) */
  sync(): Promise<void>;
}
