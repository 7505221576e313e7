import { expect } from 'chai';
import { formatDouble } from '../../lib/resp/double-format';
import { DOUBLES_17G } from './fixtures/doubles-17g';

describe('formatDouble (Redis 7.0 addReplyDouble, %.17g)', () => {
  it('prints the texts redis-server 7.0 sent for ZSCORE', () => {
    // Observed from redis-server 7.0.15 on this machine (ZADD then ZSCORE, RESP2 bulk bodies).
    expect(formatDouble(3.1)).to.equal('3.1000000000000001');
    expect(formatDouble(1e300)).to.equal('1.0000000000000001e+300');
    expect(formatDouble(0.1)).to.equal('0.10000000000000001');
    expect(formatDouble(1e-5)).to.equal('1.0000000000000001e-05');
    expect(formatDouble(123456789)).to.equal('123456789');
    expect(formatDouble(1.00000762939453125)).to.equal('1.0000076293945312');
    expect(formatDouble(1e17)).to.equal('1e+17');
    expect(formatDouble(1e16)).to.equal('10000000000000000');
    expect(formatDouble(0.0001)).to.equal('0.0001');
  });

  it('prints inf, -inf, nan and -0 as glibc does', () => {
    expect(formatDouble(Infinity)).to.equal('inf');
    expect(formatDouble(-Infinity)).to.equal('-inf');
    expect(formatDouble(NaN)).to.equal('nan');
    expect(formatDouble(-0)).to.equal('-0');
    expect(formatDouble(0)).to.equal('0');
  });

  it('matches glibc printf("%.17g") on random doubles and exact ties (fixture from libc)', () => {
    expect(DOUBLES_17G.length).to.be.greaterThan(700);
    for (const [hex, expected] of DOUBLES_17G) {
      const value = Buffer.from(hex, 'hex').readDoubleBE(0);
      expect(formatDouble(value), `${hex} (${value})`).to.equal(expected);
    }
  });
});
