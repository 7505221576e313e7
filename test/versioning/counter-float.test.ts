/** INCRBYFLOAT's arithmetic: x87 long doubles parsed, added and printed as Redis 7.0 does. */
import { expect } from 'chai';
import fc from 'fast-check';
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDoubleResult } from '../../lib/resp/commands/long-double';

function ld(s: string): LongDoubleResult {
  const v = parseLongDouble(Buffer.from(s));
  if (v === null) throw new Error(`not a float: ${s}`);
  return v;
}
function sum(a: string, b: string): string {
  const r = addLongDouble(ld(a), ld(b));
  return typeof r === 'string' ? r : formatLongDouble(r);
}

describe('resp: INCRBYFLOAT long-double arithmetic', () => {
  it('prints sums with 17 decimals, trailing zeros removed', () => {
    expect(sum('10.5', '0.1')).to.equal('10.6');
    expect(sum('0.1', '0.2')).to.equal('0.3');
    expect(sum('3.0e3', '1.0e2')).to.equal('3100');
    expect(sum('1', '1e-20')).to.equal('1');
    expect(sum('1.5', '-1.5')).to.equal('0');
    expect(sum('0', '-0.0')).to.equal('0');
    expect(sum('0', '1.23456789012345678901234')).to.equal('1.23456789012345679');
    expect(sum('0x10', '1')).to.equal('17');
  });

  it('refuses what strtold-based string2ld refuses', () => {
    for (const s of ['', ' 1', '1 ', 'abc', 'nan', '1e', '1.2.3', '1e5000', '1e-5000', '--1']) {
      expect(parseLongDouble(Buffer.from(s)), JSON.stringify(s)).to.equal(null);
    }
    expect(parseLongDouble(Buffer.from('inf'))).to.equal('inf');
    expect(addLongDouble(ld('inf'), ld('-inf'))).to.equal('nan');
  });

  it('holds every int64 exactly and prints it back unchanged', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (n) => {
        const r = addLongDouble(ld(n.toString()), ld('0'));
        expect(typeof r === 'string' ? r : formatLongDouble(r)).to.equal(n.toString());
      }),
    );
  });

  it('agrees with doubles wherever a double sum is exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 10 }), (m, k) => {
        const x = m / 2 ** k; // a dyadic rational: exact as a double, and its sum with itself too
        expect(Number(sum(String(x), String(x)))).to.equal(2 * x);
      }),
    );
  });
});
