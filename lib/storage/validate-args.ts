/** Argument checks shared by every Store: each throws StorageError STORE_INVALID_ARGUMENT. */
import { StorageError } from './errors';
import type { BatchOp, RangeOptions } from './store';

function invalid(message: string): StorageError {
  return new StorageError('STORE_INVALID_ARGUMENT', message);
}

export function checkKey(key: unknown, what = 'key'): asserts key is Buffer {
  if (!Buffer.isBuffer(key)) throw invalid(`${what} must be a Buffer`);
  if (key.length === 0) throw invalid(`${what} must not be empty`);
}

export function checkOps(ops: unknown): asserts ops is readonly BatchOp[] {
  if (!Array.isArray(ops)) throw invalid('ops must be an array');
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    if (typeof op !== 'object' || op === null) throw invalid(`ops[${i}] must be an object`);
    const { type, key, value } = op as { type?: unknown; key?: unknown; value?: unknown };
    checkKey(key, `ops[${i}].key`);
    if (type === 'put') {
      if (!Buffer.isBuffer(value)) throw invalid(`ops[${i}].value must be a Buffer`);
    } else if (type !== 'del') {
      throw invalid(`ops[${i}].type must be 'put' or 'del'`);
    }
  }
}

export function checkRange(opts: unknown): asserts opts is RangeOptions {
  if (typeof opts !== 'object' || opts === null) throw invalid('range options must be an object');
  const { gte, lt, limit, reverse } = opts as Record<string, unknown>;
  if (gte !== undefined && !Buffer.isBuffer(gte)) throw invalid('range gte must be a Buffer');
  if (lt !== undefined && !Buffer.isBuffer(lt)) throw invalid('range lt must be a Buffer');
  if (limit !== undefined && !(limit === Infinity || (Number.isInteger(limit) && (limit as number) >= 0))) {
    throw invalid('range limit must be a non-negative integer or Infinity');
  }
  if (reverse !== undefined && typeof reverse !== 'boolean') throw invalid('range reverse must be a boolean');
}
