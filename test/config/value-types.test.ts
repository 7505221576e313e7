import { expect } from 'chai';
import { parseInteger, parseMemory } from '../../lib/config/value-types';

describe('config/value-types', () => {
  it('reads memory sizes with Redis units: k = 1000, kb = 1024, any case', () => {
    const table: Array<[string, number]> = [
      ['0', 0], ['123', 123], ['5b', 5], ['1k', 1000], ['1kb', 1024], ['1K', 1000], ['1KB', 1024],
      ['2m', 2_000_000], ['2mb', 2 * 1024 * 1024], ['2Mb', 2 * 1024 * 1024], ['3g', 3e9],
      ['3gb', 3 * 1024 ** 3], ['512mb', 536870912], ['1gb', 1073741824],
    ];
    for (const [text, bytes] of table) expect(parseMemory(text), text).to.equal(bytes);
  });

  it('rejects fractions, signs, spaces, unknown units and overflow in memory sizes', () => {
    for (const text of ['', '1.5mb', '-1', '+1', '1 mb', '1tb', 'mb', '1kbb', '99999999999999gb', 'constructor']) {
      expect(parseMemory(text), text).to.equal(undefined);
    }
  });

  it('reads decimal integers and rejects anything else', () => {
    expect(parseInteger('42')).to.equal(42);
    expect(parseInteger('-7')).to.equal(-7);
    for (const text of ['', '4.2', '1e3', '0x10', ' 1', '12345678901234567890']) {
      expect(parseInteger(text), text).to.equal(undefined);
    }
  });
});
