/**
 * Errors of ownership transfer. Callers branch on `code`:
 *   TRANSFER_BAD_PAGE   a page from a peer breaks the protocol (a key outside the asked spans, ...)
 *   TRANSFER_STOPPED    the node is stopping; the transfer under way was abandoned
 */
export type TransferErrorCode = 'TRANSFER_BAD_PAGE' | 'TRANSFER_STOPPED';

export class TransferError extends Error {
  readonly code: TransferErrorCode;

  constructor(code: TransferErrorCode, message: string) {
    super(message);
    this.name = 'TransferError';
    this.code = code;
  }
}
