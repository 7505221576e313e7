/**
 * Bounds-checked binary reading and size-first writing for the codecs: unsigned LEB128 varints
 * for safe integers (at most 8 bytes, no overlong forms) and for non-negative bigints.
 * Every decoding failure is a VersioningError with the reader's code.
 */
import { VersioningError, type VersioningErrorCode } from './errors';

/** Bytes `n` takes as a varint (n a non-negative safe integer). */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  if (n < 0x800000000) return 5;
  if (n < 0x40000000000) return 6;
  if (n < 0x2000000000000) return 7;
  return 8;
}

/** Write `n` at `pos`, return the position after it. */
export function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = n < 0x100000000 ? n >>> 7 : Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

export function bigVarintSize(n: bigint): number {
  let size = 1;
  while (n >= 0x80n) {
    n >>= 7n;
    size++;
  }
  return size;
}

export function writeBigVarint(buf: Buffer, pos: number, n: bigint): number {
  while (n >= 0x80n) {
    buf[pos++] = Number(n & 0x7fn) | 0x80;
    n >>= 7n;
  }
  buf[pos++] = Number(n);
  return pos;
}

/** A cursor over a buffer that throws VersioningError(code) on anything out of bounds. */
export class Reader {
  pos = 0;

  constructor(
    readonly buf: Buffer,
    readonly code: VersioningErrorCode,
  ) {}

  fail(what: string): never {
    throw new VersioningError(this.code, `${what} at byte ${this.pos}`);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) this.fail('truncated');
    return this.buf[this.pos++]!;
  }

  /** A varint no greater than Number.MAX_SAFE_INTEGER, in its shortest form. */
  varint(): number {
    let b = this.byte();
    if (b < 0x80) return b;
    let n = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; ; i++) {
      if (i >= 8) this.fail('varint too long');
      b = this.byte();
      n += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (b === 0) this.fail('overlong varint');
        if (n > Number.MAX_SAFE_INTEGER) this.fail('varint out of range');
        return n;
      }
      mul *= 0x80;
    }
  }

  /** A non-negative bigint of at most `maxBytes` varint bytes, in its shortest form. */
  bigVarint(maxBytes: number): bigint {
    let n = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail('bigint varint too long');
      const b = this.byte();
      n |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        if (b === 0 && i > 0) this.fail('overlong varint');
        return n;
      }
      shift += 7n;
    }
  }

  /** A count of items that each take at least `minItemBytes`: absurd counts fail early. */
  count(minItemBytes: number): number {
    const n = this.varint();
    if (n * minItemBytes > this.remaining) this.fail(`count ${n} exceeds the input`);
    return n;
  }

  end(): void {
    if (this.pos !== this.buf.length) this.fail('trailing bytes');
  }
}
