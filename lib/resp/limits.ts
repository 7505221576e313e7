/**
 * Size limits the request parser enforces, named after the Redis settings they mirror. A client
 * that exceeds one gets a protocol error (or QUERY_BUFFER_LIMIT) before the parser buffers the
 * bytes it announced.
 */
export interface ParserLimits {
  /** proto-max-bulk-len: the largest bulk argument accepted (`$<len>`). */
  readonly maxBulkLen: number;
  /** The largest multibulk count accepted (`*<count>`). Redis 7 allows up to INT_MAX. */
  readonly maxMultibulkLen: number;
  /** PROTO_INLINE_MAX_SIZE: the longest inline line, and the longest `*`/`$` header line. */
  readonly maxInlineLen: number;
  /** client-query-buffer-limit: the most bytes held for one not yet complete command. */
  readonly maxQueryBuffer: number;
}

/** Limits that apply while `RequestParser.authenticated` is false (as Redis's authRequired). */
export const UNAUTHENTICATED_MAX_ARGS = 10;
export const UNAUTHENTICATED_MAX_BULK_LEN = 16384;

export const DEFAULT_LIMITS: ParserLimits = Object.freeze({
  maxBulkLen: 512 * 1024 * 1024,
  maxMultibulkLen: 1024 * 1024,
  maxInlineLen: 64 * 1024,
  maxQueryBuffer: 1024 * 1024 * 1024,
});

/** DEFAULT_LIMITS with some fields replaced. */
export function makeLimits(overrides: Partial<ParserLimits> = {}): ParserLimits {
  return Object.freeze({ ...DEFAULT_LIMITS, ...overrides });
}
