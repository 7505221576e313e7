/**
 * Errors raised by every Store implementation. Callers branch on `code`, never on the message.
 *
 *   STORE_NOT_OPEN          the store is not open (never opened, closing, closed or crashed)
 *   STORE_LOCKED            the data directory is held by another process (or another store)
 *   STORE_OPEN_FAILED       opening failed for any other reason (see `cause`)
 *   STORE_INVALID_ARGUMENT  a key, value, op or range option has the wrong type or shape
 *   STORE_WRITE_FAILED      the batch holding this write (or a sync) failed; nothing of it is visible
 *   STORE_READ_FAILED       a get or range failed on the device (see `cause`)
 */
export type StorageErrorCode =
  | 'STORE_NOT_OPEN'
  | 'STORE_LOCKED'
  | 'STORE_OPEN_FAILED'
  | 'STORE_INVALID_ARGUMENT'
  | 'STORE_WRITE_FAILED'
  | 'STORE_READ_FAILED';

export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

/** message of an unknown thrown value, for wrapping it into a StorageError */
export function causeMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
