import { expect } from 'chai';
import fc from 'fast-check';
import RedisParser from 'redis-parser';
import { encodeReplies, encodeReply, ProtocolVersion } from '../../lib/resp/encoder';
import { COPY_LIMIT } from '../../lib/resp/chunk-writer';
import {
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  OK,
  Reply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from '../../lib/resp/reply';

function encode(reply: Reply, proto: ProtocolVersion): string {
  const out: Buffer[] = [];
  encodeReply(reply, proto, out);
  return Buffer.concat(out).toString('latin1');
}

/** [name, reply, RESP2 bytes, RESP3 bytes] */
const table: Array<[string, Reply, string, string]> = [
  ['+OK', OK, '+OK\r\n', '+OK\r\n'],
  ['a simple string', new SimpleString('PONG'), '+PONG\r\n', '+PONG\r\n'],
  ['an error', new ErrorReply('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n'],
  ['an error with its own code', new ErrorReply('WRONGTYPE Operation'), '-WRONGTYPE Operation\r\n', '-WRONGTYPE Operation\r\n'],
  ['an error given with a leading -', new ErrorReply('-ERR x'), '-ERR x\r\n', '-ERR x\r\n'],
  ['an empty error', new ErrorReply(''), '-ERR\r\n', '-ERR\r\n'],
  ['an integer 0', 0, ':0\r\n', ':0\r\n'],
  ['an integer 1', 1, ':1\r\n', ':1\r\n'],
  ['a negative integer', -42, ':-42\r\n', ':-42\r\n'],
  ['a large safe integer', 9007199254740991, ':9007199254740991\r\n', ':9007199254740991\r\n'],
  ['a number beyond 2^53', 2 ** 60, ':1152921504606846976\r\n', ':1152921504606846976\r\n'],
  ['a bigint', -(2n ** 63n), ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
  ['a non-integer number (sent as a double)', 1.5, '$3\r\n1.5\r\n', ',1.5\r\n'],
  ['a bulk Buffer', Buffer.from('a\r\nb'), '$4\r\na\r\nb\r\n', '$4\r\na\r\nb\r\n'],
  ['an empty bulk', Buffer.alloc(0), '$0\r\n\r\n', '$0\r\n\r\n'],
  ['a string as UTF-8 bulk', 'héllo €', '$10\r\nh\xc3\xa9llo \xe2\x82\xac\r\n', '$10\r\nh\xc3\xa9llo \xe2\x82\xac\r\n'],
  ['an empty string', '', '$0\r\n\r\n', '$0\r\n\r\n'],
  ['nil', null, '$-1\r\n', '_\r\n'],
  ['a null array', NULL_ARRAY, '*-1\r\n', '_\r\n'],
  ['an empty array', [], '*0\r\n', '*0\r\n'],
  ['a nested array', [1, ['a', null], Buffer.from('b')], '*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n$1\r\nb\r\n', '*3\r\n:1\r\n*2\r\n$1\r\na\r\n_\r\n$1\r\nb\r\n'],
  ['a map', new MapReply([['a', 1], ['b', null]]), '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n', '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n'],
  ['an empty map', new MapReply([]), '*0\r\n', '%0\r\n'],
  ['a set', new SetReply(['x', 2]), '*2\r\n$1\r\nx\r\n:2\r\n', '~2\r\n$1\r\nx\r\n:2\r\n'],
  ['an empty set', new SetReply([]), '*0\r\n', '~0\r\n'],
  ['a double', new DoubleReply(3.1), '$18\r\n3.1000000000000001\r\n', ',3.1000000000000001\r\n'],
  ['an integral double', new DoubleReply(10), '$2\r\n10\r\n', ',10\r\n'],
  ['+inf', new DoubleReply(Infinity), '$3\r\ninf\r\n', ',inf\r\n'],
  ['-inf', new DoubleReply(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
  ['nan', new DoubleReply(NaN), '$3\r\nnan\r\n', ',nan\r\n'],
  ['a verbatim string', new VerbatimReply('a\r\nb'), '$4\r\na\r\nb\r\n', '=8\r\ntxt:a\r\nb\r\n'],
  ['a verbatim UTF-8 string', new VerbatimReply('é'), '$2\r\n\xc3\xa9\r\n', '=6\r\ntxt:\xc3\xa9\r\n'],
];

describe('encodeReply: exact bytes', () => {
  for (const [name, reply, resp2, resp3] of table) {
    it(`encodes ${name} in RESP2 and RESP3`, () => {
      expect(encode(reply, 2)).to.equal(resp2);
      expect(encode(reply, 3)).to.equal(resp3);
    });
  }

  it('replaces \\r and \\n in error and status lines with spaces', () => {
    expect(encode(new ErrorReply('ERR bad\r\nthing\n'), 2)).to.equal('-ERR bad  thing \r\n');
    expect(encode(new SimpleString('a\rb'), 3)).to.equal('+a b\r\n');
  });
});

describe('encodeReply: output chunks', () => {
  it('appends to the chunks already in out', () => {
    const first = Buffer.from('x');
    const out: Buffer[] = [first];
    encodeReply(1, 2, out);
    expect(out[0]).to.equal(first);
    expect(Buffer.concat(out).toString()).to.equal('x:1\r\n');
  });

  it('writes a small reply as one chunk and passes big bulks through by reference', () => {
    const small: Buffer[] = [];
    encodeReply([1, 'a', null, OK], 2, small);
    expect(small.length).to.equal(1);
    const big = Buffer.alloc(COPY_LIMIT + 1, 0x62);
    const out: Buffer[] = [];
    encodeReply([1, big, 2], 2, out);
    expect(out.some((chunk) => chunk === big)).to.equal(true);
    expect(Buffer.concat(out).toString('latin1')).to.equal(`*3\r\n:1\r\n$${big.length}\r\n${big.toString('latin1')}\r\n:2\r\n`);
  });

  it('encodes a big string bulk exactly', () => {
    const text = 'é'.repeat(COPY_LIMIT);
    const out: Buffer[] = [];
    encodeReply(text, 3, out);
    expect(Buffer.concat(out).toString('utf8')).to.equal(`$${COPY_LIMIT * 2}\r\n${text}\r\n`);
  });

  it('keeps earlier output intact while later replies fill and replace the slab', () => {
    const kept: Buffer[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const reply = [i, `value-${i}`];
      encodeReply(reply, 2, kept);
      expected.push(`*2\r\n:${i}\r\n$${`value-${i}`.length}\r\nvalue-${i}\r\n`);
    }
    expect(Buffer.concat(kept).toString()).to.equal(expected.join(''));
  });

  it('joins a batch into one Buffer with encodeReplies', () => {
    const big = Buffer.alloc(COPY_LIMIT * 2, 0x63);
    const joined = encodeReplies([OK, 0, big, null], 3);
    expect(joined.toString('latin1')).to.equal(`+OK\r\n:0\r\n$${big.length}\r\n${big.toString('latin1')}\r\n_\r\n`);
    expect(encodeReplies([], 2).length).to.equal(0);
  });
});

/** RESP2 replies without doubles/verbatim (redis-parser decodes those as plain bulks). */
const resp2Reply: fc.Arbitrary<Reply> = fc.letrec<{ reply: Reply }>((tie) => ({
  reply: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.constant(null),
    fc.stringMatching(/^[A-Za-z ]{0,10}$/).map((s) => new SimpleString(s)),
    fc.stringMatching(/^[A-Z]{1,6} [a-z ]{0,10}$/).map((s) => new ErrorReply(s)),
    fc.array(tie('reply'), { maxLength: 4 }),
  ),
})).reply;

/** What redis-parser (returnBuffers) gives back for a reply. */
function decoded(reply: Reply): unknown {
  if (typeof reply === 'string') return Buffer.from(reply, 'utf8');
  if (reply instanceof SimpleString) return Buffer.from(reply.value);
  if (reply instanceof ErrorReply) return { error: reply.message };
  if (Array.isArray(reply)) return (reply as Reply[]).map(decoded);
  return reply;
}

function normalize(value: unknown): unknown {
  if (value instanceof Error) return { error: value.message };
  if (Array.isArray(value)) return value.map(normalize);
  return value;
}

describe('encodeReplies: decoded by redis-parser', () => {
  it('round-trips random RESP2 reply trees through a real client parser', () => {
    fc.assert(
      fc.property(fc.array(resp2Reply, { minLength: 1, maxLength: 8 }), (replies) => {
        const got: unknown[] = [];
        const parser = new RedisParser({
          returnBuffers: true,
          returnReply: (r: unknown) => got.push(normalize(r)),
          returnError: (e: Error) => got.push(normalize(e)),
        });
        parser.execute(encodeReplies(replies, 2));
        expect(got).to.deep.equal(replies.map(decoded));
      }),
      { numRuns: 300 },
    );
  });
});
