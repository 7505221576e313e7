/** Errors of anti-entropy, with stable codes. */
export type AntiEntropyErrorCode = 'AE_NOT_READY' | 'AE_BAD_REPLY' | 'GC_MEMBER_DOWN';

export class AntiEntropyError extends Error {
  constructor(
    readonly code: AntiEntropyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AntiEntropyError';
  }
}
