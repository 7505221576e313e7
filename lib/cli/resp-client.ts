/**
 * A minimal RESP2 client for the admin CLI: one command per call over a fresh connection, with a
 * timeout. Replies: string (simple or bulk), number, null, array, or RespErrorReply.
 */
import net from 'node:net';

export type RespValue = string | number | null | RespValue[] | RespErrorReply;

export class RespErrorReply {
  constructor(readonly message: string) {}
}

export class AdminConnectionError extends Error {
  readonly code = 'ADMIN_CONNECTION';
}

/** parses one reply from buf at pos; null when more bytes are needed */
export function parseReply(buf: Buffer, pos = 0): { value: RespValue; end: number } | null {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[pos]!)) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespErrorReply(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (item === null) return null;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new AdminConnectionError(`unexpected reply byte '${String.fromCharCode(buf[pos]!)}'`);
  }
}

export function encodeCommand(args: readonly string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
}

/** `host:port` → parts (port defaults to 6380) */
export function parseAddress(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  const host = i < 0 ? s : s.slice(0, i) || '127.0.0.1';
  const port = i < 0 ? 6380 : Number(s.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AdminConnectionError(`bad address '${s}' (want host:port)`);
  return { host, port };
}

export function command(address: string, args: readonly string[], timeoutMs = 3000): Promise<RespValue> {
  const { host, port } = parseAddress(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let data = Buffer.alloc(0);
    const finish = (err: Error | null, v?: RespValue) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(v as RespValue);
    };
    const timer = setTimeout(() => finish(new AdminConnectionError(`${address}: no reply within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(encodeCommand(args)));
    socket.on('error', (err) => finish(new AdminConnectionError(`${address}: ${err.message}`)));
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      try {
        const r = parseReply(data);
        if (r !== null) finish(null, r.value);
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}
