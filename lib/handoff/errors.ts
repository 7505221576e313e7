/**
 * Errors of hinted handoff. Callers branch on `code`:
 *   HINT_BAD_TARGET  a hint's target id is empty or longer than 255 utf8 bytes
 *   HINT_BAD_SLOT    a hint's slot is not in 0..16383
 *   HINT_MALFORMED   a stored key in the hint namespace does not parse
 */
export type HandoffErrorCode = 'HINT_BAD_TARGET' | 'HINT_BAD_SLOT' | 'HINT_MALFORMED';

export class HandoffError extends Error {
  readonly code: HandoffErrorCode;

  constructor(code: HandoffErrorCode, message: string) {
    super(message);
    this.name = 'HandoffError';
    this.code = code;
  }
}
