/**
 * Transport errors carry a stable `code`; callers switch on the code, never on the message.
 *   TIMEOUT       no reply within the request's timeout (the request may have been applied)
 *   UNREACHABLE   could not connect, or the peer is known down (the request was not sent)
 *   AUTH_FAILED   the handshake failed: wrong cluster-secret, or a non-loopback peer without one
 *   REMOTE_ERROR  the peer's handler failed; `remoteCode` and the message are the peer's
 *   CLOSED        the connection or this transport closed before the reply came
 *   OVERLOADED    a local bound was hit (too many queued or unanswered requests)
 */
export type TransportErrorCode =
  | 'TIMEOUT'
  | 'UNREACHABLE'
  | 'AUTH_FAILED'
  | 'REMOTE_ERROR'
  | 'CLOSED'
  | 'OVERLOADED';

export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    readonly code: TransportErrorCode,
    message: string,
    /** for REMOTE_ERROR: the code the remote handler's error carried ('ERR' when it had none) */
    readonly remoteCode: string | null = null,
  ) {
    super(message);
  }
}

/** Codes the transport itself puts in error responses. */
export const REMOTE_CODES = {
  /** the frame's type is not in the receiver's enum */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** the type is known but no handler is registered for it */
  NO_HANDLER: 'NO_HANDLER',
  /** the receiver has too many requests in progress on this connection */
  OVERLOADED: 'OVERLOADED',
  /** handshake refusals */
  AUTH_FAILED: 'AUTH_FAILED',
  /** a handler threw something without a string code */
  GENERIC: 'ERR',
} as const;

/**
 * A programming error in using the transport (a second handler for a type, a request of a
 * connection type, an oversized body): thrown by handle(), rejected by request().
 */
export class TransportUsageError extends Error {
  override readonly name = 'TransportUsageError';
  readonly code = 'BAD_USAGE';
}
