import { expect } from 'chai';
import { string2ll } from '../../lib/resp/string2ll';

function parse(text: string): number {
  const buf = Buffer.from(`x${text}y`, 'latin1');
  return string2ll(buf, 1, buf.length - 1);
}

describe('string2ll (Redis util.c)', () => {
  it('parses plain and negative integers', () => {
    expect(parse('0')).to.equal(0);
    expect(parse('7')).to.equal(7);
    expect(parse('1048576')).to.equal(1048576);
    expect(parse('-1')).to.equal(-1);
    expect(parse('-123456789012')).to.equal(-123456789012);
  });

  it('rejects empty text, a lone sign, leading zeros, -0, plus signs and other bytes', () => {
    for (const bad of ['', '-', '01', '00', '-0', '-01', '+1', ' 1', '1 ', '1x', '1.0', '1e3']) {
      expect(parse(bad), JSON.stringify(bad)).to.be.NaN;
    }
  });

  it('accepts the signed 64-bit range and rejects anything beyond it', () => {
    expect(parse('9223372036854775807')).to.equal(9223372036854775807);
    expect(parse('-9223372036854775808')).to.equal(-9223372036854775808);
    expect(parse('9223372036854775808')).to.be.NaN;
    expect(parse('-9223372036854775809')).to.be.NaN;
    expect(parse('99999999999999999999')).to.be.NaN;
  });
});
