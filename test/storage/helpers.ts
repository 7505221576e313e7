/** Small helpers for the storage tests. */
import { expect } from 'chai';
import { StorageError, type StorageErrorCode } from '../../lib/storage/errors';
import type { BatchOp, Store } from '../../lib/storage/store';

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** awaits p, which must reject with a StorageError carrying `code`; returns that error */
export async function expectCode(p: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(StorageError);
    expect((err as StorageError).code).to.equal(code);
    return err as StorageError;
  }
  expect.fail(`expected a rejection with ${code}, but it resolved`);
}

type BatchHook = (ops: readonly BatchOp[], sync: boolean) => Promise<void>;

export interface BatchSpy {
  readonly calls: Array<{ readonly ops: readonly BatchOp[]; readonly sync: boolean }>;
  /** most _batch calls that were pending at the same time */
  readonly maxConcurrent: number;
  /** the next _batch call rejects with err instead of writing */
  failNext(err: Error): void;
}

/** wraps the store's `_batch` hook (AbstractStore subclasses) to record each call */
export function spyBatch(store: Store): BatchSpy {
  const target = store as unknown as { _batch: BatchHook };
  if (typeof target._batch !== 'function') throw new Error('store has no _batch hook to spy on');
  const original = target._batch.bind(store);
  const calls: Array<{ ops: readonly BatchOp[]; sync: boolean }> = [];
  let failure: Error | null = null;
  let pending = 0;
  let maxConcurrent = 0;
  target._batch = (ops, sync) => {
    calls.push({ ops: [...ops], sync });
    if (failure !== null) {
      const err = failure;
      failure = null;
      return Promise.reject(err);
    }
    pending++;
    maxConcurrent = Math.max(maxConcurrent, pending);
    return original(ops, sync).finally(() => pending--);
  };
  return {
    calls,
    get maxConcurrent() {
      return maxConcurrent;
    },
    failNext(err) {
      failure = err;
    },
  };
}
