import { expect } from 'chai';
import { splitInlineArgs } from '../../lib/resp/inline';

function split(line: string): string[] | null {
  const args = splitInlineArgs(Buffer.from(line, 'latin1'));
  return args === null ? null : args.map((a) => a.toString('latin1'));
}

describe('splitInlineArgs (Redis sdssplitargs)', () => {
  it('returns no arguments for an empty or blank line', () => {
    expect(split('')).to.deep.equal([]);
    expect(split(' \t\v\f ')).to.deep.equal([]);
  });

  it('splits on spaces, tabs, \\r and \\n but skips \\v and \\f only before an argument', () => {
    expect(split('a b\tc\rd\ne')).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expect(split('\va\vb')).to.deep.equal(['a\vb']);
  });

  it('decodes \\n \\r \\t \\b \\a, \\xHH and other escaped chars in double quotes', () => {
    expect(split('"\\n\\r\\t\\b\\a\\x41\\x7e\\q\\\\"')).to.deep.equal(['\n\r\t\b\x07A~q\\']);
  });

  it('keeps \\x followed by non-hex as the letter x', () => {
    expect(split('"\\xZZ\\x4"')).to.deep.equal(['xZZx4']);
  });

  it('knows only \\\' inside single quotes', () => {
    expect(split("'a\\'b\\n\"c'")).to.deep.equal(["a'b\\n\"c"]);
  });

  it('joins a quoted part that starts inside an argument', () => {
    expect(split('foo"bar baz" x')).to.deep.equal(['foobar baz', 'x']);
    expect(split("k'v w'")).to.deep.equal(['kv w']);
  });

  it('accepts a closing quote followed by a blank or the end', () => {
    expect(split('"a"\t"b"')).to.deep.equal(['a', 'b']);
    expect(split('"a"\v')).to.deep.equal(['a']);
  });

  it('rejects unbalanced quotes and quotes followed by text', () => {
    expect(split('"abc')).to.equal(null);
    expect(split("'abc")).to.equal(null);
    expect(split('"a"b')).to.equal(null);
    expect(split("'a'b")).to.equal(null);
    expect(split('"a\\')).to.equal(null);
  });

  it('ends the line at a NUL byte, as the C string does', () => {
    expect(split('SET a b\0c d')).to.deep.equal(['SET', 'a', 'b']);
    expect(split('"a\0"')).to.equal(null);
  });

  it('returns unquoted arguments as slices of the line (zero copy)', () => {
    const line = Buffer.from('GET key');
    const args = splitInlineArgs(line)!;
    expect(args[1]!.buffer).to.equal(line.buffer);
  });
});
