/**
 * Micro-benchmark of the RESP codec: request parse rate (a pipeline of 16 `SET key:NNN <100 bytes>`)
 * and reply encode rate (a mix of common replies). Run: npx tsx bench/resp-codec.ts
 * For comparison it also runs redis-parser (a reply parser) over the same pipeline bytes.
 */
import RedisParser from 'redis-parser';
import { RequestParser } from '../lib/resp/request-parser';
import { DEFAULT_LIMITS } from '../lib/resp/limits';
import { encodeReplies, encodeReply } from '../lib/resp/encoder';
import { DoubleReply, ErrorReply, MapReply, OK, Reply } from '../lib/resp/reply';

const DURATION_NS = 1_000_000_000n;

function pipeline(): Buffer {
  const value = 'v'.repeat(100);
  const parts: string[] = [];
  for (let i = 0; i < 16; i++) {
    const key = `key:${String(i).padStart(3, '0')}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$100\r\n${value}\r\n`);
  }
  return Buffer.from(parts.join(''));
}

/** Runs fn repeatedly for about a second; returns operations per second (fn returns its op count). */
function measure(fn: () => number): number {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  let ops = 0;
  const start = process.hrtime.bigint();
  let now = start;
  while (now - start < DURATION_NS) {
    for (let i = 0; i < 100; i++) ops += fn();
    now = process.hrtime.bigint();
  }
  return (ops * 1e9) / Number(now - start);
}

function report(name: string, opsPerSec: number, unit: string, bytesPerOp?: number): void {
  const mb = bytesPerOp === undefined ? '' : `  ${((opsPerSec * bytesPerOp) / 1e6).toFixed(0)} MB/s`;
  process.stdout.write(`${name.padEnd(44)} ${(opsPerSec / 1e6).toFixed(2).padStart(7)} M ${unit}/s${mb}\n`);
}

function chunked(buf: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return chunks;
}

function benchParse(): void {
  const input = pipeline();
  const perCommand = input.length / 16;
  let seen = 0;
  const parser = new RequestParser(DEFAULT_LIMITS, {
    onCommand: (args) => {
      seen += args.length;
    },
    onError: (err) => {
      throw err;
    },
  });
  report('parse: 16 x SET, one chunk', measure(() => (parser.feed(input), 16)), 'cmd', perCommand);
  // Fresh copies, as a socket delivers them (each chunk a new Buffer).
  const copies = Array.from({ length: 64 }, () => Buffer.from(input));
  let k = 0;
  report('parse: 16 x SET, fresh chunk each time', measure(() => (parser.feed(copies[k++ & 63]!), 16)), 'cmd', perCommand);
  const pieces = chunked(Buffer.concat([input, input, input, input]), 1000);
  report('parse: 64 x SET in 1000-byte chunks', measure(() => {
    for (const piece of pieces) parser.feed(piece);
    return 64;
  }), 'cmd', perCommand);
  const reference = new RedisParser({
    returnBuffers: true,
    returnReply: () => {
      seen++;
    },
    returnError: () => undefined,
  });
  report('redis-parser (reference): 16 x SET', measure(() => (reference.execute(input), 16)), 'cmd', perCommand);
  if (seen === 0) throw new Error('nothing parsed');
}

function benchEncode(): void {
  const value = Buffer.alloc(100, 0x61);
  const mixed: Reply[] = [OK, 1, 0, value, null, 12345, [value, 'field', 42], new ErrorReply('ERR no such key'),
    'short string', new DoubleReply(3.5)];
  const sets: Reply[] = Array.from({ length: 16 }, () => OK);
  const gets: Reply[] = Array.from({ length: 16 }, () => value);
  const map = new MapReply([['a', 1], ['b', value]]);
  report('encodeReplies: 16 x +OK', measure(() => (encodeReplies(sets, 2), 16)), 'reply');
  report('encodeReplies: 16 x 100-byte bulk', measure(() => (encodeReplies(gets, 2), 16)), 'reply');
  report('encodeReplies: 10 mixed replies, RESP2', measure(() => (encodeReplies(mixed, 2), 10)), 'reply');
  report('encodeReplies: 10 mixed replies, RESP3', measure(() => (encodeReplies(mixed, 3), 10)), 'reply');
  const out: Buffer[] = [];
  report('encodeReply: one at a time (mixed + map)', measure(() => {
    out.length = 0;
    for (const reply of mixed) encodeReply(reply, 3, out);
    encodeReply(map, 3, out);
    return 11;
  }), 'reply');
}

for (let round = 1; round <= 2; round++) {
  process.stdout.write(`-- round ${round}\n`);
  benchParse();
  benchEncode();
}
