import { expect } from 'chai';
import { globMatch } from '../../lib/util/glob';

const m = (p: string, s: string, nocase = false) => globMatch(Buffer.from(p), Buffer.from(s), nocase);

describe('globMatch (Redis stringmatchlen)', () => {
  it('matches literals, * and ?', () => {
    expect(m('foo', 'foo')).to.equal(true);
    expect(m('foo', 'fo')).to.equal(false);
    expect(m('f*', 'foo')).to.equal(true);
    expect(m('*', '')).to.equal(true);
    expect(m('h?llo', 'hallo')).to.equal(true);
    expect(m('h?llo', 'hllo')).to.equal(false);
    expect(m('*o*o*', 'foobar')).to.equal(true);
    expect(m('a*b', 'aXXbYb')).to.equal(true);
    expect(m('a*b', 'aXXbY')).to.equal(false);
  });
  it('matches classes, negation, ranges and escapes', () => {
    expect(m('h[ae]llo', 'hello')).to.equal(true);
    expect(m('h[ae]llo', 'hillo')).to.equal(false);
    expect(m('h[^e]llo', 'hallo')).to.equal(true);
    expect(m('h[^e]llo', 'hello')).to.equal(false);
    expect(m('h[a-b]llo', 'hbllo')).to.equal(true);
    expect(m('h[b-a]llo', 'hallo')).to.equal(true);
    expect(m('h\\*llo', 'h*llo')).to.equal(true);
    expect(m('h\\*llo', 'hello')).to.equal(false);
  });
  it('folds case only when asked', () => {
    expect(m('MAXCLIENTS', 'maxclients')).to.equal(false);
    expect(m('MAX*', 'maxclients', true)).to.equal(true);
  });
  it('is binary safe', () => {
    expect(globMatch(Buffer.from([0x00, 0x2a]), Buffer.from([0x00, 0xff, 0x01]))).to.equal(true);
  });
  it('survives pathological patterns', () => {
    expect(m('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(40))).to.equal(false);
  });
});
