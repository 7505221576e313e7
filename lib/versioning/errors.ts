/**
 * Errors of the versioning core. Callers branch on `code`, never on the message:
 * - BAD_CONTEXT: a client-supplied causal context that is not one we could have produced;
 * - BAD_RECORD: a stored or received record that does not decode, or one that cannot be encoded.
 */

export type VersioningErrorCode = 'BAD_CONTEXT' | 'BAD_RECORD';

export class VersioningError extends Error {
  readonly code: VersioningErrorCode;

  constructor(code: VersioningErrorCode, message: string) {
    super(message);
    this.name = 'VersioningError';
    this.code = code;
  }
}

export function isVersioningError(e: unknown): e is VersioningError {
  return e instanceof VersioningError;
}
