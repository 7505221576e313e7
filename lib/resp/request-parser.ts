/**
 * Server-side RESP request parser: multibulk (`*N\r\n$len\r\n...`) and inline commands, with
 * Redis 7's limits and error texts (networking.c processMultibulkBuffer / processInlineBuffer).
 *
 * Why not redis-parser: it is a client-side *reply* parser. It accepts any reply type inside an
 * array (`*1\r\n:5\r\n`, nested arrays, `-ERR`), knows no inline commands, and buffers a bulk of
 * any announced length without limits, so it can neither give Redis's errors ("expected '$'",
 * "invalid bulk length", "unauthenticated bulk length") nor reject a bad header before buffering.
 * Wrapping it would need a second header scanner in front of it, i.e. parsing every request twice.
 * This parser is written by hand instead; bench/resp-codec.ts compares the two.
 *
 * Behaviour (as Redis, made independent of how the input is split into chunks):
 * - The first byte of a request picks the form: '*' multibulk, anything else inline.
 * - `*0`, `*-1` (any count <= 0) are skipped; an empty inline line is skipped.
 * - A header line (`*` or `$`) longer than maxInlineLen before its '\r', or an inline line longer
 *   than maxInlineLen before its '\n', is "too big" (Redis checks this whenever a read leaves no
 *   line end in the buffer; here it is checked on the line itself, so a long line is rejected
 *   whether or not it arrived in one chunk).
 * - Like Redis, the byte after a header's '\r' and the two bytes after a bulk are skipped
 *   unchecked (Redis does not verify that they are "\n" / "\r\n").
 * - Unlike Redis's strchr, a NUL byte in a header is an ordinary (invalid) byte.
 *
 * Arguments are zero-copy slices of the fed chunks where a bulk arrived within one chunk. The
 * parser owns fed chunks: callers must not modify them afterwards. A consumer that keeps an
 * argument for long should copy it, or it pins the whole chunk in memory.
 */
import { ParserLimits, UNAUTHENTICATED_MAX_ARGS, UNAUTHENTICATED_MAX_BULK_LEN } from './limits';
import { splitInlineArgs } from './inline';
import { string2ll } from './string2ll';
import {
  PROTOCOL_MESSAGES as MSG,
  ProtocolError,
  ProtocolErrorCode,
  expectedDollarMessage,
} from './protocol-error';

export interface RequestHandler {
  onCommand(args: Buffer[]): void;
  onError(err: ProtocolError): void;
}

// Module-local copies: imported bindings can be getters (esbuild/tsx), too slow for the hot loop.
const MAX_UNAUTH_ARGS = UNAUTHENTICATED_MAX_ARGS;
const MAX_UNAUTH_BULK = UNAUTHENTICATED_MAX_BULK_LEN;
const EMPTY = Buffer.alloc(0);
const STAR = 0x2a;
const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
/** A bulk still missing more than this is collected as a list of chunks, joined once. */
const BIG_BULK_REMAINDER = 32 * 1024;
/** Smallest accumulation buffer allocated for a partial request. */
const MIN_ACCUMULATOR = 16 * 1024;
/** findLine results besides an index. */
const WAIT = -1;
const FAILED = -2;

export class RequestParser {
  /** When false, commands are limited to 10 arguments and bulks to 16384 bytes (Redis authRequired). */
  authenticated = true;

  private dead = false;
  private running = false;
  private readonly reentrant: Buffer[] = [];
  // Unconsumed input is buf[pos, end). `owned`: buf is our accumulator, writable past `end`.
  private buf: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  private owned = false;
  /** Bytes of the current line already scanned without finding its end (relative to pos). */
  private scanned = 0;
  /** Value of the header line readHeader just read. */
  private headerValue = 0;
  // The multibulk request in progress.
  private argsLeft = 0;
  private args: Buffer[] = [];
  private argBytes = 0;
  private bulkLen = -1;
  // A big bulk being collected chunk by chunk, joined once complete.
  private collecting = false;
  private bulkParts: Buffer[] = [];
  private bulkHave = 0;

  constructor(
    private readonly limits: ParserLimits,
    private readonly handler: RequestHandler,
  ) {}

  /** Parses a chunk; calls onCommand for each complete command, onError once on bad input. */
  feed(chunk: Buffer): void {
    if (this.dead || chunk.length === 0) return;
    if (this.running) {
      this.reentrant.push(chunk); // fed from inside onCommand: parse after the current chunk
      return;
    }
    this.running = true;
    try {
      this.accept(chunk);
      while (!this.dead && this.reentrant.length > 0) this.accept(this.reentrant.shift()!);
    } finally {
      this.running = false;
    }
  }

  /** Bytes held for the command not yet complete (Redis counts these against the query buffer limit). */
  bufferedBytes(): number {
    return this.argBytes + (this.collecting ? this.bulkHave : this.end - this.pos);
  }

  /** True once onError was called or destroy() ran; all further input is ignored. */
  get destroyed(): boolean {
    return this.dead;
  }

  /** Stops parsing (e.g. the connection is closing); further input is ignored. */
  destroy(): void {
    this.dead = true;
    this.buf = EMPTY;
    this.pos = this.end = 0;
    this.args = [];
    this.argBytes = 0;
    this.collecting = false;
    this.bulkParts = [];
    this.bulkHave = 0;
    this.scanned = 0;
    this.reentrant.length = 0;
  }

  private accept(chunk: Buffer): void {
    if (this.collecting) {
      if (!this.collectBigBulk(chunk)) return;
    } else if (this.pos === this.end) {
      this.buf = chunk;
      this.pos = 0;
      this.end = chunk.length;
      this.owned = false;
    } else {
      this.append(chunk);
    }
    this.run();
    if (this.dead) return;
    this.startBigBulkIfUseful();
    this.checkQueryBuffer();
  }

  /** Adds chunk after the unconsumed bytes, never overwriting bytes already handed out. */
  private append(chunk: Buffer): void {
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      chunk.copy(this.buf, this.end);
      this.end += chunk.length;
      return;
    }
    const pending = this.end - this.pos;
    const needed = pending + chunk.length;
    const next = Buffer.allocUnsafe(Math.max(needed * 2, MIN_ACCUMULATOR));
    this.buf.copy(next, 0, this.pos, this.end);
    chunk.copy(next, pending);
    this.buf = next;
    this.pos = 0;
    this.end = needed;
    this.owned = true;
  }

  /** Waiting for much of a big bulk: keep chunks by reference and join them once. */
  private startBigBulkIfUseful(): void {
    if (this.bulkLen < 0 || this.argsLeft === 0) return;
    const have = this.end - this.pos;
    if (this.bulkLen + 2 - have <= BIG_BULK_REMAINDER) return;
    this.collecting = true;
    this.bulkParts = have > 0 ? [this.buf.subarray(this.pos, this.end)] : [];
    this.bulkHave = have;
    this.buf = EMPTY;
    this.pos = this.end = 0;
    this.owned = false;
  }

  /** Returns true when the big bulk is complete and buf holds it (and what followed). */
  private collectBigBulk(chunk: Buffer): boolean {
    this.bulkParts.push(chunk);
    this.bulkHave += chunk.length;
    if (this.bulkHave < this.bulkLen + 2) {
      this.checkQueryBuffer();
      return false;
    }
    const joined = Buffer.concat(this.bulkParts, this.bulkHave);
    this.collecting = false;
    this.bulkParts = [];
    this.bulkHave = 0;
    this.buf = joined;
    this.pos = 0;
    this.end = joined.length;
    this.owned = false;
    return true;
  }

  private checkQueryBuffer(): void {
    if (!this.dead && this.bufferedBytes() > this.limits.maxQueryBuffer) {
      this.fail('QUERY_BUFFER_LIMIT', MSG.queryBufferLimit);
    }
  }

  private run(): void {
    const buf = this.buf;
    const end = this.end;
    const limits = this.limits;
    let pos = this.pos;
    while (pos < end) {
      if (this.argsLeft === 0) {
        if (buf[pos] !== STAR) {
          const next = this.inline(buf, pos, end);
          if (next < 0) {
            if (this.dead) return;
            break;
          }
          pos = next;
          if (this.dead) return;
          continue;
        }
        const next = this.readHeader(buf, pos, end, MSG.tooBigMbulkCount);
        if (next === FAILED) return;
        if (next === WAIT) break;
        const count = this.headerValue;
        if (!(count <= limits.maxMultibulkLen)) return this.fail('PROTOCOL', MSG.invalidMultibulkLength);
        if (count > MAX_UNAUTH_ARGS && !this.authenticated) {
          return this.fail('PROTOCOL', MSG.unauthenticatedMultibulkLength);
        }
        pos = next;
        if (count <= 0) continue;
        this.argsLeft = count;
      }
      while (this.argsLeft > 0) {
        let len = this.bulkLen;
        if (len < 0) {
          const next = this.readHeader(buf, pos, end, MSG.tooBigBulkCount);
          if (next === FAILED) return;
          if (next === WAIT) break;
          if (buf[pos] !== DOLLAR) return this.fail('PROTOCOL', expectedDollarMessage(buf[pos]!));
          len = this.headerValue;
          if (!(len >= 0 && len <= limits.maxBulkLen)) return this.fail('PROTOCOL', MSG.invalidBulkLength);
          if (len > MAX_UNAUTH_BULK && !this.authenticated) {
            return this.fail('PROTOCOL', MSG.unauthenticatedBulkLength);
          }
          pos = next;
          this.bulkLen = len;
        }
        if (end - pos < len + 2) break;
        this.args.push(buf.subarray(pos, pos + len));
        this.argBytes += len;
        pos += len + 2;
        this.bulkLen = -1;
        this.argsLeft--;
      }
      if (this.argsLeft > 0) break;
      const args = this.args;
      this.args = [];
      this.argBytes = 0;
      this.pos = pos;
      this.handler.onCommand(args);
      if (this.dead) return;
    }
    this.pos = pos;
  }

  /**
   * Reads the `*` or `$` header line at pos (prefix not checked): its string2ll value goes to
   * headerValue (NaN if invalid). Returns the position after the line (after the byte following
   * its '\r'), WAIT until that byte has arrived, or FAILED when the line is too long.
   */
  private readHeader(buf: Buffer, pos: number, end: number, tooBig: string): number {
    // Fast path: up to 15 digits without a leading zero, then '\r' and one more byte.
    let i = pos + 1;
    const stop = Math.min(end, pos + 16, pos + 1 + this.limits.maxInlineLen);
    let c = i < stop ? buf[i]! : 0;
    if (c >= 0x31 && c <= 0x39) {
      let n = c - 0x30;
      for (i++; i < stop; i++) {
        c = buf[i]!;
        if (c < 0x30 || c > 0x39) break;
        n = n * 10 + (c - 0x30);
      }
      if (i < stop && c === CR && i + 1 < end) {
        this.scanned = 0;
        this.headerValue = n;
        return i + 2;
      }
    }
    const cr = this.findLine(buf, pos, end, CR, tooBig);
    if (cr < 0) return cr;
    if (cr + 1 >= end) return WAIT;
    this.headerValue = string2ll(buf, pos + 1, cr);
    return cr + 2;
  }

  /** Parses one inline line at pos; returns the position after it, or -1 to wait (or on error). */
  private inline(buf: Buffer, pos: number, end: number): number {
    const lf = this.findLine(buf, pos, end, LF, MSG.tooBigInline);
    if (lf < 0) return -1;
    const lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const args = splitInlineArgs(buf.subarray(pos, lineEnd));
    if (args === null) {
      this.fail('PROTOCOL', MSG.unbalancedQuotes);
      return -1;
    }
    this.pos = lf + 1;
    if (args.length > 0) this.handler.onCommand(args);
    return lf + 1;
  }

  /**
   * Finds the byte `terminator` ending the line at pos. At most maxInlineLen bytes may precede
   * it; past that the line is too big (reported with tooBig). Returns its index, WAIT, or FAILED.
   */
  private findLine(buf: Buffer, pos: number, end: number, terminator: number, tooBig: string): number {
    const max = this.limits.maxInlineLen;
    const limit = Math.min(end, pos + max + 1);
    for (let i = pos + this.scanned; i < limit; i++) {
      if (buf[i] === terminator) {
        this.scanned = 0;
        return i;
      }
    }
    if (end - pos > max) {
      this.fail('PROTOCOL', tooBig);
      return FAILED;
    }
    this.scanned = end - pos;
    return WAIT;
  }

  private fail(code: ProtocolErrorCode, message: string): void {
    this.destroy();
    this.handler.onError(new ProtocolError(code, message));
  }
}
