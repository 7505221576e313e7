import { expect } from 'chai';
import { RequestParser } from '../../lib/resp/request-parser';
import { DEFAULT_LIMITS } from '../../lib/resp/limits';
import { chunksOf, everySplit, latin1, multibulk, parseChunks } from './helpers';

interface Case {
  name: string;
  input: Buffer;
  commands: string[][];
}

const cases: Case[] = [
  { name: 'parses a multibulk command', input: multibulk('PING'), commands: [['PING']] },
  {
    name: 'parses a multibulk command with several arguments',
    input: multibulk('SET', 'key:1', 'value'),
    commands: [['SET', 'key:1', 'value']],
  },
  {
    name: 'keeps \\r\\n, NUL and high bytes inside bulks (binary safe)',
    input: multibulk('SET', 'k\r\n', latin1('a\r\n\0\r\nb\xff\x80')),
    commands: [['SET', 'k\r\n', 'a\r\n\0\r\nb\xff\x80']],
  },
  { name: 'accepts an empty bulk', input: multibulk('ECHO', ''), commands: [['ECHO', '']] },
  {
    name: 'skips *0 and negative multibulk counts',
    input: Buffer.concat([latin1('*0\r\n*-1\r\n*-10\r\n'), multibulk('PING')]),
    commands: [['PING']],
  },
  { name: 'parses an inline command ended by \\r\\n', input: latin1('PING\r\n'), commands: [['PING']] },
  { name: 'parses an inline command ended by \\n alone', input: latin1('SET a b\n'), commands: [['SET', 'a', 'b']] },
  {
    name: 'skips empty and blank inline lines',
    input: latin1('\r\n\n   \r\n\t\nPING\n'),
    commands: [['PING']],
  },
  {
    name: 'splits inline arguments on runs of spaces and tabs',
    input: latin1('  SET \t key   value  \r\n'),
    commands: [['SET', 'key', 'value']],
  },
  {
    name: 'unquotes inline double quotes with escapes',
    input: latin1('ECHO "a\\x41\\n\\t\\xZZ \\"q\\""\r\n'),
    commands: [['ECHO', 'aA\n\txZZ "q"']],
  },
  {
    name: 'unquotes inline single quotes with \\\' only',
    input: latin1("ECHO 'it\\'s \\n'\r\n"),
    commands: [['ECHO', "it's \\n"]],
  },
  { name: 'treats "" as an empty inline argument', input: latin1('ECHO ""\r\n'), commands: [['ECHO', '']] },
  {
    name: 'parses a pipeline of mixed multibulk and inline commands',
    input: Buffer.concat([
      multibulk('SET', 'a', '1'),
      latin1('GET a\r\n'),
      multibulk('DEL', 'a'),
      latin1('\nECHO "x y"\n'),
      multibulk('PING'),
    ]),
    commands: [['SET', 'a', '1'], ['GET', 'a'], ['DEL', 'a'], ['ECHO', 'x y'], ['PING']],
  },
  {
    name: 'does not check the byte after a header \\r, as Redis does not',
    input: latin1('*1\rX$4\rXPING\r\n'),
    commands: [['PING']],
  },
  {
    name: 'skips the two bytes after a bulk unchecked, as Redis does',
    input: latin1('*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n'),
    commands: [['PING'], ['PING']],
  },
  {
    name: 'parses a bulk length of two digits',
    input: latin1('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$10\r\n0123456789\r\n'),
    commands: [['PING'], ['ECHO', '0123456789']],
  },
];

describe('RequestParser: well-formed requests', () => {
  for (const c of cases) {
    it(`${c.name} (whole, byte by byte, split at every position)`, () => {
      for (const [how, chunks] of everySplit(c.input)) {
        const outcome = parseChunks(chunks);
        expect(outcome.error, how).to.equal(null);
        expect(outcome.commands, how).to.deep.equal(c.commands);
        expect(outcome.parser.bufferedBytes(), how).to.equal(0);
      }
    });
  }

  it('waits for the rest of an incomplete command and reports what it holds', () => {
    const outcome = parseChunks([latin1('*2\r\n$3\r\nGET\r\n$3\r\nke')]);
    expect(outcome.commands).to.deep.equal([]);
    expect(outcome.error).to.equal(null);
    expect(outcome.parser.bufferedBytes()).to.be.greaterThan(0);
    outcome.parser.feed(latin1('y\r\n'));
    expect(outcome.commands).to.deep.equal([['GET', 'key']]);
    expect(outcome.parser.bufferedBytes()).to.equal(0);
  });

  it('assembles a 300 KiB bulk from chunks of any size', () => {
    const value = Buffer.alloc(300 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 7 + 13) & 0xff;
    const input = Buffer.concat([multibulk('SET', 'big', value), multibulk('GET', 'big')]);
    for (const size of [1, 7, 1000, 4096, 16384, 65536, 100_000, input.length]) {
      const outcome = parseChunks(chunksOf(input, size));
      expect(outcome.error, `size ${size}`).to.equal(null);
      expect(outcome.commands.length, `size ${size}`).to.equal(2);
      expect(Buffer.from(outcome.commands[0]![2]!, 'latin1').equals(value), `size ${size}`).to.equal(true);
      expect(outcome.commands[1], `size ${size}`).to.deep.equal(['GET', 'big']);
    }
  });

  it('parses 1000 pipelined commands fed in uneven chunks', () => {
    const parts: Buffer[] = [];
    const expected: string[][] = [];
    for (let i = 0; i < 1000; i++) {
      const args = ['SET', `key:${i}`, 'x'.repeat(i % 50)];
      expected.push(args);
      parts.push(i % 3 === 0 ? latin1(`${args.join(' ')}\r\n`.replace(/ \r\n$/, ' ""\r\n')) : multibulk(...args));
    }
    const input = Buffer.concat(parts);
    for (const size of [3, 100, 1500, 9000]) {
      expect(parseChunks(chunksOf(input, size)).commands, `size ${size}`).to.deep.equal(expected);
    }
  });

  it('hands out arguments that stay intact after later chunks arrive', () => {
    const kept: Buffer[][] = [];
    const parser = new RequestParser(DEFAULT_LIMITS, { onCommand: (a) => kept.push(a), onError: (e) => {
      throw e;
    } });
    // Odd chunk sizes rarely end on a command boundary, so the parser keeps accumulating partial
    // commands across many chunks and has to grow its buffer several times.
    const input = Buffer.concat(Array.from({ length: 3000 }, (_, i) => multibulk('SET', `k${i}`, `v${i}`.repeat(30))));
    for (const chunk of chunksOf(input, 997)) parser.feed(Buffer.from(chunk));
    expect(kept.length).to.equal(3000);
    kept.forEach((args, i) => {
      expect(args.map((a) => a.toString())).to.deep.equal(['SET', `k${i}`, `v${i}`.repeat(30)]);
    });
  });
});
