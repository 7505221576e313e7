import { ErrorReply } from './reply';

export type ProtocolErrorCode = 'PROTOCOL' | 'QUERY_BUFFER_LIMIT';

/**
 * A request the server cannot parse. `message` is Redis's text without the error code
 * ("Protocol error: invalid bulk length"); on the wire Redis sends it as
 * `-ERR Protocol error: ...`, which `toReply()` builds. After a protocol error the connection
 * is closed, as Redis does.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The reply Redis sends before closing: `-ERR <message>`. */
  toReply(): ErrorReply {
    return new ErrorReply(`ERR ${this.message}`);
  }
}

/** The exact texts of Redis 7 networking.c (processInlineBuffer / processMultibulkBuffer). */
export const PROTOCOL_MESSAGES = Object.freeze({
  invalidMultibulkLength: 'Protocol error: invalid multibulk length',
  unauthenticatedMultibulkLength: 'Protocol error: unauthenticated multibulk length',
  invalidBulkLength: 'Protocol error: invalid bulk length',
  unauthenticatedBulkLength: 'Protocol error: unauthenticated bulk length',
  tooBigMbulkCount: 'Protocol error: too big mbulk count string',
  tooBigBulkCount: 'Protocol error: too big bulk count string',
  tooBigInline: 'Protocol error: too big inline request',
  unbalancedQuotes: 'Protocol error: unbalanced quotes in request',
  /** Redis logs this and closes the connection without a reply. */
  queryBufferLimit: 'Closing client that reached max query buffer length',
});

/** "Protocol error: expected '$', got 'X'"; \r and \n print as a space, as addReplyErrorFormat does. */
export function expectedDollarMessage(byte: number): string {
  const shown = byte === 0x0d || byte === 0x0a ? ' ' : String.fromCharCode(byte);
  return `Protocol error: expected '$', got '${shown}'`;
}
