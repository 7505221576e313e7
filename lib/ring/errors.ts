/** Errors raised by the ring module; `code` is stable, tests assert it, not the message. */
export type RingErrorCode =
  | 'RING_DUPLICATE_MEMBER'
  | 'RING_INVALID_MEMBER'
  | 'RING_INVALID_OPTION'
  | 'RING_INVALID_SLOT'
  | 'RING_INVALID_PARTITION'
  | 'RING_INVALID_N';

export class RingError extends Error {
  readonly code: RingErrorCode;

  constructor(code: RingErrorCode, message: string) {
    super(message);
    this.name = 'RingError';
    this.code = code;
  }
}
