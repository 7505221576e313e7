/**
 * A raw TCP client for byte-exact tests: send any bytes, read whole RESP replies as the server
 * wrote them (no client library in between), notice when the server closes the connection.
 */
import net from 'node:net';

/** end offset of the one RESP2/RESP3 reply starting at pos, or -1 when it is not complete yet */
export function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const cr = buf.indexOf('\r\n', pos);
  if (cr < 0) return -1;
  const type = String.fromCharCode(buf[pos]);
  const head = buf.toString('latin1', pos + 1, cr);
  const after = cr + 2;
  switch (type) {
    case '+': case '-': case ':': case ',': case '_': case '#': case '(':
      return after;
    case '$': case '=': case '!': {
      const n = Number(head);
      if (n < 0) return after;
      return buf.length >= after + n + 2 ? after + n + 2 : -1;
    }
    case '*': case '~': case '>': case '%': case '|': {
      let n = Number(head);
      if (n < 0) return after;
      if (type === '%' || type === '|') n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        p = replyEnd(buf, p);
        if (p < 0) return -1;
      }
      return p;
    }
    default:
      throw new Error(`not a RESP reply at ${pos}: ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}`);
  }
}

/** a command as RESP multibulk bytes */
export function encodeCommand(args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class RawClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wake();
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** waits until cond(buffered bytes) holds, the socket closes, or ms pass */
  async waitFor(cond: (b: Buffer) => boolean, ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!cond(this.buf)) {
      if (this.closed) return cond(this.buf);
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  /** the bytes of the next n whole replies (throws on timeout or close before they arrive) */
  async replies(n = 1, ms = 5000): Promise<Buffer> {
    let end = 0;
    const ok = await this.waitFor((b) => {
      let p = 0;
      for (let i = 0; i < n; i++) {
        p = replyEnd(b, p);
        if (p < 0) return false;
      }
      end = p;
      return true;
    }, ms);
    if (!ok) throw new Error(`expected ${n} replies, have ${JSON.stringify(this.buf.toString('latin1').slice(0, 300))} closed=${this.closed}`);
    const out = this.buf.subarray(0, end);
    this.buf = this.buf.subarray(end);
    return out;
  }

  /** sends one command and returns its reply's exact bytes as latin1 text */
  async call(...args: Array<string | Buffer>): Promise<string> {
    this.write(encodeCommand(args));
    return (await this.replies(1)).toString('latin1');
  }

  /** everything received so far (and clears it) */
  take(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }

  /** resolves true if the server closes the connection within ms */
  async closesWithin(ms: number): Promise<boolean> {
    await this.waitFor(() => false, ms);
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** a RESP value decoded for assertions: strings as latin1, errors as { error }, maps as entry arrays */
export type Decoded = string | number | null | { error: string } | Decoded[];

/** decodes the one whole reply at the start of text (RESP2 or RESP3) */
export function decodeReply(text: string): Decoded {
  const buf = Buffer.from(text, 'latin1');
  const [v] = decodeAt(buf, 0);
  return v;
}

function decodeAt(buf: Buffer, pos: number): [Decoded, number] {
  const cr = buf.indexOf('\r\n', pos);
  const type = String.fromCharCode(buf[pos]);
  const head = buf.toString('latin1', pos + 1, cr);
  const after = cr + 2;
  switch (type) {
    case '+': case '(': case ',': return [head, after];
    case '-': return [{ error: head }, after];
    case ':': return [Number(head), after];
    case '_': return [null, after];
    case '#': return [head === 't' ? 1 : 0, after];
    case '$': case '=': case '!': {
      const n = Number(head);
      if (n < 0) return [null, after];
      return [buf.toString('latin1', after, after + n), after + n + 2];
    }
    default: {
      let n = Number(head);
      if (n < 0) return [null, after];
      if (type === '%' || type === '|') n *= 2;
      const out: Decoded[] = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const [v, next] = decodeAt(buf, p);
        out.push(v);
        p = next;
      }
      return [out, p];
    }
  }
}
