/**
 * Reply → RESP2 / RESP3 bytes. See reply.ts for the Reply kinds and their two forms.
 * Small replies are written into pooled slabs (chunk-writer.ts); big bulks pass by reference.
 */
import { ChunkWriter } from './chunk-writer';
import { formatDouble } from './double-format';
import * as replies from './reply';
import type { MapReply, Reply } from './reply';

export type ProtocolVersion = 2 | 3;

// Module-local copies: imported bindings can be getters (esbuild/tsx), slow in the hot path.
const { SimpleString, ErrorReply, NullArray, MapReply: MapReplyClass, DoubleReply, VerbatimReply, SetReply } = replies;

const PLUS = 0x2b;
const MINUS = 0x2d;
const COLON = 0x3a;
const DOLLAR = 0x24;
const STAR = 0x2a;
const COMMA = 0x2c;
const PERCENT = 0x25;
const TILDE = 0x7e;
const EQUALS = 0x3d;

/** Common fixed replies, copied into the slab as bytes. */
const CACHED = {
  ok: Buffer.from('+OK\r\n'),
  nullBulk: Buffer.from('$-1\r\n'),
  nullArray: Buffer.from('*-1\r\n'),
  null3: Buffer.from('_\r\n'),
  emptyArray: Buffer.from('*0\r\n'),
};

const writer = new ChunkWriter();

/** Appends the encoding of one reply to `out` (usually one Buffer; big bulks add their own). */
export function encodeReply(reply: Reply, proto: ProtocolVersion, out: Buffer[]): void {
  writer.begin(out);
  write(reply, proto);
  writer.end();
}

/** Encodes a batch of replies into one Buffer, for one socket write. */
export function encodeReplies(replies: readonly Reply[], proto: ProtocolVersion): Buffer {
  const out: Buffer[] = [];
  writer.begin(out);
  for (const reply of replies) write(reply, proto);
  writer.end();
  return out.length === 1 ? out[0]! : Buffer.concat(out);
}

function write(reply: Reply, proto: ProtocolVersion): void {
  if (typeof reply === 'string') return writeStringBulk(reply);
  if (typeof reply === 'number') return writeNumber(reply, proto);
  if (reply === null) return writer.bytes(proto === 3 ? CACHED.null3 : CACHED.nullBulk);
  if (Buffer.isBuffer(reply)) return writer.bulk(reply);
  if (typeof reply === 'bigint') return writeLine(COLON, reply.toString());
  if (Array.isArray(reply)) return writeAggregate(STAR, reply as readonly Reply[], proto);
  if (reply instanceof SimpleString) {
    if (reply.value === 'OK') return writer.bytes(CACHED.ok);
    return writeLine(PLUS, sanitize(reply.value));
  }
  if (reply instanceof ErrorReply) return writeError(reply.message);
  if (reply instanceof NullArray) return writer.bytes(proto === 3 ? CACHED.null3 : CACHED.nullArray);
  if (reply instanceof MapReplyClass) return writeMap(reply, proto);
  if (reply instanceof DoubleReply) return writeDouble(reply.value, proto);
  if (reply instanceof VerbatimReply) return writeVerbatim(reply.text, proto);
  if (reply instanceof SetReply) return writeAggregate(proto === 3 ? TILDE : STAR, reply.items, proto);
  if (reply instanceof Uint8Array) return writer.bulk(reply);
  return writeError(`ERR internal error: cannot encode reply of type ${typeof reply}`);
}

function writeNumber(n: number, proto: ProtocolVersion): void {
  if (Number.isSafeInteger(n)) return writer.header(COLON, n);
  // Integers beyond 2^53 print exactly; a non-integer is a handler bug, sent as a double.
  if (Number.isInteger(n)) return writeLine(COLON, BigInt(n).toString());
  writeDouble(n, proto);
}

function writeStringBulk(s: string): void {
  const length = s.length < 64 && isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
  writer.header(DOLLAR, length);
  writer.utf8(s, length);
  writer.crlf();
}

/**
 * `<prefix><text>\r\n`; text must contain no \r or \n. Status and error texts are byte strings
 * (they quote client arguments read as latin1, as Redis quotes raw bytes), so they go out as latin1.
 */
function writeLine(prefix: number, text: string): void {
  writer.byte(prefix);
  if (isAscii(text)) writer.utf8(text, text.length);
  else writer.bytes(Buffer.from(text, 'latin1'));
  writer.crlf();
}

/** `-<message>\r\n`, as addReplyErrorLength: a leading '-' is not doubled; empty means ERR. */
function writeError(message: string): void {
  const text = message.length === 0 ? 'ERR' : message.charCodeAt(0) === MINUS ? message.slice(1) : message;
  writeLine(MINUS, sanitize(text));
}

function writeAggregate(prefix: number, items: readonly Reply[], proto: ProtocolVersion): void {
  if (items.length === 0 && prefix === STAR) return writer.bytes(CACHED.emptyArray);
  writer.header(prefix, items.length);
  for (const item of items) write(item, proto);
}

function writeMap(map: MapReply, proto: ProtocolVersion): void {
  const entries = map.entries;
  if (proto === 3) writer.header(PERCENT, entries.length);
  else writer.header(STAR, entries.length * 2);
  for (const [key, value] of entries) {
    write(key, proto);
    write(value, proto);
  }
}

function writeDouble(value: number, proto: ProtocolVersion): void {
  const text = formatDouble(value);
  if (proto === 3) return writeLine(COMMA, text);
  writer.header(DOLLAR, text.length);
  writer.utf8(text, text.length);
  writer.crlf();
}

function writeVerbatim(text: string, proto: ProtocolVersion): void {
  if (proto === 2) return writeStringBulk(text);
  const length = Buffer.byteLength(text, 'utf8');
  writer.header(EQUALS, length + 4);
  writer.utf8('txt:', 4);
  writer.utf8(text, length);
  writer.crlf();
}

/** Redis replaces \r and \n in status and error lines with spaces, to keep the protocol valid. */
function sanitize(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
