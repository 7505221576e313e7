import { expect } from 'chai';
import { allHintsRange, hintKey, parseHintKey, targetRange } from '../../lib/handoff/hint-key';
import { HandoffError } from '../../lib/handoff/errors';
import { NS_HINT } from '../../lib/storage/keys';

const within = (k: Buffer, r: { gte: Buffer; lt: Buffer }): boolean => Buffer.compare(k, r.gte) >= 0 && Buffer.compare(k, r.lt) < 0;

describe('handoff: hint key layout', () => {
  it('is 0x02 | target length | target | slot u16be | key', () => {
    const k = hintKey('n1', 0x1234, Buffer.from('abc'));
    expect([...k]).to.deep.equal([NS_HINT, 2, 0x6e, 0x31, 0x12, 0x34, 0x61, 0x62, 0x63]);
    expect(parseHintKey(k)).to.deep.equal({ target: 'n1', slot: 0x1234, key: Buffer.from('abc') });
  });

  it('keeps binary keys, empty keys and multi-byte target ids intact', () => {
    for (const key of [Buffer.alloc(0), Buffer.from([0, 0xff, 0x0a, 0]), Buffer.alloc(300, 7)]) {
      for (const target of ['n', 'nœud-é', 'x'.repeat(255)]) {
        expect(parseHintKey(hintKey(target, 16383, key))).to.deep.equal({ target, slot: 16383, key });
      }
    }
  });

  it('a target range holds exactly that target\'s hints, even when one id prefixes another', () => {
    const ids = ['n1', 'n10', 'n1\u00ff', 'n2', 'm'];
    const keys = ids.flatMap((id) => [hintKey(id, 0, Buffer.alloc(0)), hintKey(id, 16383, Buffer.alloc(10, 0xff))]);
    for (const id of ids) {
      const r = targetRange(id);
      expect(keys.filter((k) => within(k, r)).map((k) => parseHintKey(k).target)).to.deep.equal([id, id]);
      for (const k of keys) expect(within(k, allHintsRange())).to.equal(true);
    }
  });

  it('a range after a hint key starts just past it', () => {
    const a = hintKey('n1', 5, Buffer.from('a'));
    const b = hintKey('n1', 5, Buffer.from('a\u0000'));
    const r = targetRange('n1', a);
    expect(within(a, r)).to.equal(false);
    expect(within(b, r)).to.equal(true);
  });

  it('refuses empty or over-long target ids and out-of-range slots, and malformed stored keys', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        expect(err).to.be.instanceOf(HandoffError);
        return (err as HandoffError).code;
      }
      return 'no error';
    };
    expect(code(() => hintKey('', 0, Buffer.alloc(1)))).to.equal('HINT_BAD_TARGET');
    expect(code(() => hintKey('x'.repeat(256), 0, Buffer.alloc(1)))).to.equal('HINT_BAD_TARGET');
    expect(code(() => hintKey('n1', 16384, Buffer.alloc(1)))).to.equal('HINT_BAD_SLOT');
    expect(code(() => parseHintKey(Buffer.from([NS_HINT, 5, 1, 2])))).to.equal('HINT_MALFORMED');
    expect(code(() => parseHintKey(Buffer.from([0x01, 1, 0x41, 0, 0])))).to.equal('HINT_MALFORMED');
  });
});
