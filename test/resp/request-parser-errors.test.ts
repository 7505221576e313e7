import { expect } from 'chai';
import { makeLimits } from '../../lib/resp/limits';
import { RequestParser } from '../../lib/resp/request-parser';
import { ProtocolError } from '../../lib/resp/protocol-error';
import { everySplit, latin1, multibulk, parseChunks, ParseOptions } from './helpers';

interface ErrorCase {
  name: string;
  input: Buffer;
  /** Commands delivered before the error. */
  before?: string[][];
  message: string;
  options?: ParseOptions;
}

const small = makeLimits({ maxInlineLen: 16, maxBulkLen: 100, maxMultibulkLen: 20 });

const cases: ErrorCase[] = [
  { name: 'rejects a non-numeric multibulk count', input: latin1('*x\r\n'), message: 'Protocol error: invalid multibulk length' },
  { name: 'rejects an empty multibulk count', input: latin1('*\r\n'), message: 'Protocol error: invalid multibulk length' },
  { name: 'rejects a multibulk count with a leading zero', input: latin1('*01\r\n'), message: 'Protocol error: invalid multibulk length' },
  { name: 'rejects a multibulk count of -0', input: latin1('*-0\r\n'), message: 'Protocol error: invalid multibulk length' },
  { name: 'rejects a multibulk count with a plus sign', input: latin1('*+1\r\n'), message: 'Protocol error: invalid multibulk length' },
  { name: 'rejects a multibulk count beyond 64 bits', input: latin1('*-99999999999999999999\r\n'), message: 'Protocol error: invalid multibulk length' },
  {
    name: 'rejects a multibulk count over maxMultibulkLen',
    input: latin1('*21\r\n'),
    options: { limits: small },
    message: 'Protocol error: invalid multibulk length',
  },
  {
    name: "rejects an argument that does not start with '$'",
    input: Buffer.concat([multibulk('PING'), latin1('*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n')]),
    before: [['PING']],
    message: "Protocol error: expected '$', got 'f'",
  },
  {
    name: "prints \\r in the expected-'$' error as a space",
    input: latin1('*1\r\n\r\n'),
    message: "Protocol error: expected '$', got ' '",
  },
  { name: 'rejects a negative bulk length', input: latin1('*1\r\n$-1\r\n'), message: 'Protocol error: invalid bulk length' },
  { name: 'rejects a bulk length with a leading zero', input: latin1('*1\r\n$04\r\nPING\r\n'), message: 'Protocol error: invalid bulk length' },
  { name: 'rejects a non-numeric bulk length', input: latin1('*1\r\n$4x\r\nPING\r\n'), message: 'Protocol error: invalid bulk length' },
  {
    name: 'rejects a bulk over maxBulkLen before its data arrives',
    input: latin1('*1\r\n$101\r\n'),
    options: { limits: small },
    message: 'Protocol error: invalid bulk length',
  },
  {
    name: 'rejects a multibulk count line longer than maxInlineLen',
    input: latin1(`*${'1'.repeat(17)}`),
    options: { limits: small },
    message: 'Protocol error: too big mbulk count string',
  },
  {
    name: 'rejects a long multibulk count line even when its \\r\\n is there',
    input: latin1(`*${'1'.repeat(17)}\r\n`),
    options: { limits: small },
    message: 'Protocol error: too big mbulk count string',
  },
  {
    name: 'rejects a bulk length line longer than maxInlineLen',
    input: latin1(`*1\r\n$${'9'.repeat(16)}`),
    options: { limits: small },
    message: 'Protocol error: too big bulk count string',
  },
  {
    name: 'rejects an inline line longer than maxInlineLen',
    input: latin1('PING\r\nECHO 0123456789ab'),
    before: [['PING']],
    options: { limits: small },
    message: 'Protocol error: too big inline request',
  },
  {
    name: 'rejects a long inline line even when its newline is there',
    input: latin1('ECHO 0123456789ab\n'),
    options: { limits: small },
    message: 'Protocol error: too big inline request',
  },
  { name: 'rejects an unterminated double quote', input: latin1('SET "a b\r\n'), message: 'Protocol error: unbalanced quotes in request' },
  { name: 'rejects an unterminated single quote', input: latin1("SET 'a\n"), message: 'Protocol error: unbalanced quotes in request' },
  { name: 'rejects a closing quote followed by a letter', input: latin1('PING "a"b\r\n'), message: 'Protocol error: unbalanced quotes in request' },
  { name: 'rejects a backslash at the end of a quoted line', input: latin1('ECHO "a\\\r\n'), message: 'Protocol error: unbalanced quotes in request' },
  {
    name: 'limits an unauthenticated client to 10 arguments',
    input: latin1('*11\r\n'),
    options: { authenticated: false },
    message: 'Protocol error: unauthenticated multibulk length',
  },
  {
    name: 'limits an unauthenticated client to 16384-byte bulks',
    input: latin1('*1\r\n$16385\r\n'),
    options: { authenticated: false },
    message: 'Protocol error: unauthenticated bulk length',
  },
];

describe('RequestParser: protocol errors', () => {
  for (const c of cases) {
    it(`${c.name} (whole, byte by byte, split at every position)`, () => {
      for (const [how, chunks] of everySplit(c.input)) {
        const outcome = parseChunks(chunks, c.options);
        expect(outcome.commands, how).to.deep.equal(c.before ?? []);
        expect(outcome.error, how).to.be.instanceOf(ProtocolError);
        expect(outcome.error!.code, how).to.equal('PROTOCOL');
        expect(outcome.error!.message, how).to.equal(c.message);
        expect(outcome.errorCount, how).to.equal(1);
      }
    });
  }

  it('builds the reply Redis sends: -ERR Protocol error: ...', () => {
    const outcome = parseChunks([latin1('*x\r\n')]);
    expect(outcome.error!.toReply().message).to.equal('ERR Protocol error: invalid multibulk length');
  });

  it('ignores all input after an error', () => {
    const outcome = parseChunks([latin1('*x\r\n'), multibulk('PING'), latin1('PING\r\n')]);
    expect(outcome.errorCount).to.equal(1);
    expect(outcome.afterError).to.equal(0);
    expect(outcome.commands).to.deep.equal([]);
    expect(outcome.parser.destroyed).to.equal(true);
    expect(outcome.parser.bufferedBytes()).to.equal(0);
  });

  it('delivers the commands before the error in the same chunk, then stops', () => {
    const input = Buffer.concat([multibulk('SET', 'a', '1'), latin1('GET a\r\n'), latin1('*1\r\n$x\r\n'), multibulk('PING')]);
    const outcome = parseChunks([input]);
    expect(outcome.commands).to.deep.equal([['SET', 'a', '1'], ['GET', 'a']]);
    expect(outcome.error!.message).to.equal('Protocol error: invalid bulk length');
    expect(outcome.afterError).to.equal(0);
  });

  it('uses Redis 7 defaults: a 64 KiB header line is too big', () => {
    const outcome = parseChunks([latin1(`*1\r\n$${'1'.repeat(64 * 1024 + 1)}`)]);
    expect(outcome.error!.message).to.equal('Protocol error: too big bulk count string');
  });

  it('accepts lines of exactly maxInlineLen bytes', () => {
    const outcome = parseChunks([latin1('ECHO 0123456789a\n*1\r\n$3\r\nabc\r\n')], { limits: small });
    expect(outcome.error).to.equal(null);
    expect(outcome.commands).to.deep.equal([['ECHO', '0123456789a'], ['abc']]);
  });

  it('accepts the largest multibulk count and bulk length the limits allow', () => {
    const outcome = parseChunks([latin1('*20\r\n$100\r\n')], { limits: small });
    expect(outcome.error).to.equal(null);
    const defaults = parseChunks([latin1('*1048576\r\n$536870912\r\n')]);
    expect(defaults.error).to.equal(null);
    expect(parseChunks([latin1('*1048577\r\n')]).error!.message).to.equal('Protocol error: invalid multibulk length');
    expect(parseChunks([latin1('*1\r\n$536870913\r\n')]).error!.message).to.equal('Protocol error: invalid bulk length');
  });
});

describe('RequestParser: unauthenticated clients', () => {
  it('accepts 10 arguments and 16384-byte bulks before authentication', () => {
    const args = Array.from({ length: 10 }, (_, i) => (i === 9 ? 'x'.repeat(16384) : `a${i}`));
    const outcome = parseChunks([multibulk(...args)], { authenticated: false });
    expect(outcome.error).to.equal(null);
    expect(outcome.commands).to.deep.equal([args]);
  });

  it('lifts the limits for the next command once onCommand marks the client authenticated', () => {
    const bigArgs = Array.from({ length: 12 }, (_, i) => `a${i}`);
    const input = Buffer.concat([multibulk('AUTH', 'pw'), multibulk(...bigArgs)]);
    for (const [how, chunks] of everySplit(input)) {
      const commands: string[][] = [];
      let error: ProtocolError | null = null;
      const parser = new RequestParser(makeLimits(), {
        onCommand(args) {
          commands.push(args.map(String));
          if (args[0]!.toString() === 'AUTH') parser.authenticated = true;
        },
        onError(err) {
          error = err;
        },
      });
      parser.authenticated = false;
      for (const chunk of chunks) parser.feed(Buffer.from(chunk));
      expect(error, how).to.equal(null);
      expect(commands, how).to.deep.equal([['AUTH', 'pw'], bigArgs]);
    }
  });
});

describe('RequestParser: query buffer limit', () => {
  const limits = makeLimits({ maxQueryBuffer: 1000 });

  it('fails with QUERY_BUFFER_LIMIT when an incomplete command holds too many bytes', () => {
    const input = multibulk('SET', 'k', 'v'.repeat(2000));
    const outcome = parseChunks([input.subarray(0, 500), input.subarray(500, 1100), input.subarray(1100)], { limits });
    expect(outcome.error!.code).to.equal('QUERY_BUFFER_LIMIT');
    expect(outcome.commands).to.deep.equal([]);
  });

  it('counts arguments already parsed of the incomplete command', () => {
    const input = multibulk('SET', 'k'.repeat(600), 'v'.repeat(600));
    const outcome = parseChunks([input.subarray(0, 640), input.subarray(640, 1100)], { limits });
    expect(outcome.error!.code).to.equal('QUERY_BUFFER_LIMIT');
  });

  it('fails while a big bulk is still being collected', () => {
    const input = multibulk('SET', 'k', 'v'.repeat(100_000));
    const outcome = parseChunks([input.subarray(0, 900), input.subarray(900, 1500)], { limits });
    expect(outcome.error!.code).to.equal('QUERY_BUFFER_LIMIT');
  });

  it('does not count complete commands of a big pipeline against the limit', () => {
    const input = Buffer.concat(Array.from({ length: 100 }, () => multibulk('SET', 'k', 'v'.repeat(100))));
    const outcome = parseChunks([input], { limits });
    expect(outcome.error).to.equal(null);
    expect(outcome.commands.length).to.equal(100);
  });
});

describe('RequestParser: destroy and re-entrancy', () => {
  it('stops delivering commands once onCommand destroys the parser', () => {
    const seen: string[] = [];
    const parser = new RequestParser(makeLimits(), {
      onCommand(args) {
        seen.push(args[0]!.toString());
        if (seen.length === 2) parser.destroy();
      },
      onError() {
        throw new Error('unexpected');
      },
    });
    parser.feed(latin1('PING\r\nQUIT\r\nPING\r\n'));
    expect(seen).to.deep.equal(['PING', 'QUIT']);
  });

  it('parses a chunk fed from inside onCommand after the current one, in order', () => {
    const seen: string[] = [];
    const parser = new RequestParser(makeLimits(), {
      onCommand(args) {
        seen.push(args[0]!.toString());
        if (seen.length === 1) parser.feed(latin1('C\r\n'));
      },
      onError() {
        throw new Error('unexpected');
      },
    });
    parser.feed(latin1('A\r\nB\r\n'));
    expect(seen).to.deep.equal(['A', 'B', 'C']);
  });
});
