/**
 * Writes many small pieces of output into shared slabs instead of allocating a Buffer for each.
 * Finished regions are handed out as subarrays of the slab and never written again; the rest of
 * a slab serves later replies, and a new slab is allocated when it runs out (as Node's own
 * Buffer pool does). Payloads larger than COPY_LIMIT are passed through by reference.
 */
const SLAB_SIZE = 64 * 1024;
/** Buffers longer than this are appended as they are rather than copied. */
export const COPY_LIMIT = 8 * 1024;
const CRLF_BYTES = Buffer.from('\r\n');
const NO_OUTPUT: Buffer[] = [];

export class ChunkWriter {
  private slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
  private start = 0;
  private pos = 0;
  private out: Buffer[] = NO_OUTPUT;

  /** Starts collecting into `out`. */
  begin(out: Buffer[]): void {
    this.out = out;
  }

  /** Flushes and lets go of `out`. */
  end(): void {
    this.flush();
    this.out = NO_OUTPUT;
  }

  /** Appends what was written since the last flush to `out` as one Buffer. */
  flush(): void {
    if (this.pos > this.start) {
      this.out.push(this.slab.subarray(this.start, this.pos));
      this.start = this.pos;
    }
  }

  /** Makes room for n more bytes in the current slab. */
  private reserve(n: number): void {
    if (this.pos + n <= this.slab.length) return;
    this.flush();
    this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_SIZE, n));
    this.start = this.pos = 0;
  }

  byte(b: number): void {
    this.reserve(1);
    this.slab[this.pos++] = b;
  }

  crlf(): void {
    this.reserve(2);
    this.slab[this.pos++] = 0x0d;
    this.slab[this.pos++] = 0x0a;
  }

  /** `<prefix><n>\r\n` for a safe integer n (the header of integers, bulks and aggregates). */
  header(prefix: number, n: number): void {
    this.reserve(24);
    const slab = this.slab;
    let pos = this.pos;
    slab[pos++] = prefix;
    if (n < 0) {
      slab[pos++] = 0x2d;
      n = -n;
    }
    if (n < 10) {
      slab[pos++] = 0x30 + n;
    } else {
      let digits = 1;
      for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
      pos += digits;
      for (let i = pos - 1, t = n; i >= pos - digits; i--, t = Math.floor(t / 10)) {
        slab[i] = 0x30 + (t % 10);
      }
    }
    slab[pos++] = 0x0d;
    slab[pos++] = 0x0a;
    this.pos = pos;
  }

  /** Copies small buffers, passes large ones through by reference. */
  bytes(data: Uint8Array): void {
    const n = data.length;
    if (n > COPY_LIMIT) {
      this.flush();
      this.out.push(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, n));
      return;
    }
    this.reserve(n);
    if (n <= 16) {
      const slab = this.slab;
      let pos = this.pos;
      for (let i = 0; i < n; i++) slab[pos++] = data[i]!;
      this.pos = pos;
    } else {
      this.slab.set(data, this.pos);
      this.pos += n;
    }
  }

  /** Writes str as UTF-8; byteLength must be Buffer.byteLength(str). */
  utf8(str: string, byteLength: number): void {
    if (byteLength > COPY_LIMIT) {
      this.flush();
      this.out.push(Buffer.from(str, 'utf8'));
      return;
    }
    this.reserve(byteLength);
    if (byteLength === str.length && byteLength <= 32) {
      const slab = this.slab;
      let pos = this.pos;
      for (let i = 0; i < byteLength; i++) slab[pos++] = str.charCodeAt(i);
      this.pos = pos;
    } else {
      this.pos += this.slab.write(str, this.pos, byteLength, 'utf8');
    }
  }

  /** A bulk string from bytes: `$<len>\r\n<data>\r\n`. */
  bulk(data: Uint8Array): void {
    this.header(0x24, data.length);
    this.bytes(data);
    if (data.length > COPY_LIMIT) this.bytes(CRLF_BYTES);
    else this.crlf();
  }
}
