/**
 * A Reply as a msgpack-able value, to carry a command's answer between nodes (a command run on
 * the key's primary for another node, forwarding.ts), and back. Every kind of Reply keeps its
 * kind, so the client's own protocol (RESP2 or 3) encodes it where the client is.
 *
 *   Buffer → bin · null → nil · [tag, ...] for the rest: 's' string, 'i' number, 'b' bigint
 *   (decimal), 'a' array, '+' simple string, '-' error, 'n' null array, 'm' map, 'd' double,
 *   'v' verbatim, 't' set
 */
import { MessageError } from '../coordinator/messages';
import { DoubleReply, ErrorReply, MapReply, NULL_ARRAY, NullArray, SetReply, SimpleString, VerbatimReply, type Reply } from './reply';

const MAX_DEPTH = 32;

export function replyToWire(r: Reply): unknown {
  if (r === null || Buffer.isBuffer(r)) return r;
  if (typeof r === 'string') return ['s', r];
  if (typeof r === 'number') return ['i', r];
  if (typeof r === 'bigint') return ['b', r.toString()];
  if (Array.isArray(r)) return ['a', (r as readonly Reply[]).map(replyToWire)];
  if (r instanceof SimpleString) return ['+', r.value];
  if (r instanceof ErrorReply) return ['-', r.message];
  if (r instanceof NullArray) return ['n'];
  if (r instanceof MapReply) return ['m', r.entries.map(([k, v]) => [replyToWire(k), replyToWire(v)])];
  if (r instanceof DoubleReply) return ['d', r.value];
  if (r instanceof VerbatimReply) return ['v', r.text];
  if (r instanceof SetReply) return ['t', r.items.map(replyToWire)];
  throw new Error('not a reply');
}

export function replyFromWire(x: unknown, depth = 0): Reply {
  if (depth > MAX_DEPTH) throw new MessageError('reply nested too deeply');
  if (x === null || x === undefined) return null;
  if (x instanceof Uint8Array) return Buffer.isBuffer(x) ? x : Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  if (!Array.isArray(x) || typeof x[0] !== 'string') throw new MessageError('bad reply');
  const [tag, v] = x as [string, unknown];
  const text = (): string => {
    if (typeof v !== 'string') throw new MessageError(`bad '${tag}' reply`);
    return v;
  };
  const list = (): unknown[] => {
    if (!Array.isArray(v)) throw new MessageError(`bad '${tag}' reply`);
    return v;
  };
  switch (tag) {
    case 's': return text();
    case 'i':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new MessageError("bad 'i' reply");
      return v;
    case 'b':
      if (!/^-?\d{1,20}$/.test(text())) throw new MessageError("bad 'b' reply");
      return BigInt(text());
    case 'a': return list().map((e) => replyFromWire(e, depth + 1));
    case '+': return new SimpleString(text());
    case '-': return new ErrorReply(text());
    case 'n': return NULL_ARRAY;
    case 'm': return new MapReply(list().map((e) => {
      if (!Array.isArray(e) || e.length !== 2) throw new MessageError("bad 'm' reply");
      return [replyFromWire(e[0], depth + 1), replyFromWire(e[1], depth + 1)] as const;
    }));
    case 'd':
      if (typeof v !== 'number') throw new MessageError("bad 'd' reply");
      return new DoubleReply(v);
    case 'v': return new VerbatimReply(text());
    case 't': return new SetReply(list().map((e) => replyFromWire(e, depth + 1)));
    default: throw new MessageError(`unknown reply tag '${tag}'`);
  }
}
