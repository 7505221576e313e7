import { expect } from 'chai';
import { splitArgs } from '../../lib/config/split-args';

describe('config/splitArgs (sdssplitargs)', () => {
  it('splits on runs of spaces and tabs', () => {
    expect(splitArgs('  bind\t127.0.0.1   ::1  ')).to.deep.equal(['bind', '127.0.0.1', '::1']);
  });

  it('returns no arguments for an empty or blank line', () => {
    expect(splitArgs('')).to.deep.equal([]);
    expect(splitArgs('   \t ')).to.deep.equal([]);
  });

  it('keeps spaces inside double quotes and reads their escapes', () => {
    expect(splitArgs('requirepass "a b\\tc\\n\\"q\\" \\\\ \\x41\\x7a"')).to.deep.equal([
      'requirepass', 'a b\tc\n"q" \\ Az',
    ]);
  });

  it('treats an invalid \\x escape as an escaped x', () => {
    expect(splitArgs('"\\xZZ"')).to.deep.equal(['xZZ']);
  });

  it('keeps single-quoted text literal except for \\\'', () => {
    expect(splitArgs("logfile 'C:\\logs\\it''s'")).to.equal(null);
    expect(splitArgs("logfile 'C:\\logs\\n it\\'s'")).to.deep.equal(['logfile', "C:\\logs\\n it's"]);
  });

  it('gives an empty argument for "" and \'\'', () => {
    expect(splitArgs('logfile ""')).to.deep.equal(['logfile', '']);
    expect(splitArgs("seeds ''")).to.deep.equal(['seeds', '']);
  });

  it('joins a quote that starts inside a word to that word, as Redis does', () => {
    expect(splitArgs('ab"c d"')).to.deep.equal(['abc d']);
  });

  it('returns null for an unterminated quote', () => {
    expect(splitArgs('bind "127.0.0.1')).to.equal(null);
    expect(splitArgs("bind '127.0.0.1")).to.equal(null);
  });

  it('returns null when a closing quote is followed by a non-space', () => {
    expect(splitArgs('port "7001"x')).to.equal(null);
  });
});
