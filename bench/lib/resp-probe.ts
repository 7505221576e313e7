// A one-shot RESP client for readiness checks: send one command, get the first reply as text.

import { connect } from 'node:net';

export type ProbeReply = { kind: 'simple' | 'error' | 'integer' | 'bulk'; text: string } | { kind: 'other'; text: string };

/** Sends `args` as a RESP array to 127.0.0.1:`port`; rejects on connection error or timeout. */
export function probe(port: number, args: readonly string[], timeoutMs: number): Promise<ProbeReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let buffer = Buffer.alloc(0);
    const finish = (err: Error | undefined, reply?: ProbeReply): void => {
      socket.destroy();
      if (err) reject(err);
      else if (reply) resolve(reply);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no reply within ${timeoutMs} ms`)));
    socket.once('error', (err) => finish(err));
    socket.once('connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const reply = decodeFirstReply(buffer);
      if (reply) finish(undefined, reply);
    });
  });
}

function encodeCommand(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** The first complete reply in `buf` (simple string, error, integer or bulk), or undefined. */
export function decodeFirstReply(buf: Buffer): ProbeReply | undefined {
  const lineEnd = buf.indexOf('\r\n');
  if (lineEnd < 0) return undefined;
  const head = buf.subarray(1, lineEnd).toString();
  switch (String.fromCharCode(buf[0])) {
    case '+': return { kind: 'simple', text: head };
    case '-': return { kind: 'error', text: head };
    case ':': return { kind: 'integer', text: head };
    case '$': {
      const length = Number(head);
      if (length < 0) return { kind: 'bulk', text: '' };
      if (buf.length < lineEnd + 2 + length + 2) return undefined;
      return { kind: 'bulk', text: buf.subarray(lineEnd + 2, lineEnd + 2 + length).toString() };
    }
    default: return { kind: 'other', text: buf.toString() };
  }
}
