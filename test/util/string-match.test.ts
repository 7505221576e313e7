import { expect } from 'chai';
import { stringMatch } from '../../lib/util/glob';

describe('config/stringMatch (Redis stringmatchlen)', () => {
  // '[a-]' is the range a..']' (as in Redis), so it matches 'a' but not '-'
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true], ['*', 'port', true], ['', '', true], ['', 'a', false],
    ['port', 'port', true], ['port', 'ports', false], ['port*', 'port', true],
    ['*port', 'cluster-port', true], ['*-*', 'read-quorum', true], ['*-*', 'port', false],
    ['p?rt', 'port', true], ['p?rt', 'prt', false], ['?', '', false],
    ['*quorum', 'read-quorum', true], ['*q*m', 'write-quorum', true], ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false], ['**x', 'x', true], ['a**', 'a', true],
    ['[rw]*-quorum', 'read-quorum', true], ['[rw]*-quorum', 'write-quorum', true],
    ['[^r]*-quorum', 'read-quorum', false], ['[^r]*-quorum', 'write-quorum', true],
    ['[a-c]x', 'bx', true], ['[c-a]x', 'bx', true], ['[a-c]x', 'dx', false],
    ['[\\]]', ']', true], ['[\\-]', '-', true], ['[a-]', '-', false], ['[a-]', 'a', true], ['**', '', false],
    ['\\*', '*', true], ['\\*', 'a', false], ['a\\', 'a\\', true], ['x[ab', 'xa', true],
    ['x[ab', 'xb', true], ['x[ab', 'xc', false], ['[', 'a', false],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`'${pattern}' ${expected ? 'matches' : 'does not match'} '${text}'`, () => {
      expect(stringMatch(pattern, text)).to.equal(expected);
    });
  }

  it('matches case-insensitively when asked, as CONFIG GET does', () => {
    expect(stringMatch('PORT', 'port')).to.equal(false);
    expect(stringMatch('PORT', 'port', true)).to.equal(true);
    expect(stringMatch('[P-Q]ORT', 'port', true)).to.equal(true);
    expect(stringMatch('[PQ]ort', 'port', true)).to.equal(true);
  });

  it('returns quickly on patterns with many stars that cannot match', () => {
    const pattern = '*a'.repeat(30) + 'b';
    const text = 'a'.repeat(60);
    expect(stringMatch(pattern, text)).to.equal(false);
  });
});
