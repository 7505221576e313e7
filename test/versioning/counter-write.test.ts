/** applyWrite with a counter delta: where INCR starts from, its TTL, and Redis's int64 limits. */
import { expect } from 'chai';
import { applyWrite, emptyRecord, mergeRecords, type NewVersion, type VRecord } from '../../lib/versioning';
import { CounterError, counterDelta, counterValue, joinCounterSiblings, parseIntegerString } from '../../lib/versioning/counter';

const MAX = (1n << 63n) - 1n;

function put(rec: VRecord, node: string, v: NewVersion): VRecord {
  return applyWrite(rec, rec.vv, node, v);
}
function str(s: string, ts: number, expireAt: number | null = null): NewVersion {
  return { payload: { kind: 'bytes', data: Buffer.from(s) }, ts, expireAt };
}
function incr(rec: VRecord, node: string, delta: bigint, ts: number): VRecord {
  return put(rec, node, { payload: counterDelta(delta), ts, expireAt: null });
}
function value(rec: VRecord): bigint {
  return counterValue(joinCounterSiblings(rec.siblings));
}
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(CounterError);
    return (e as CounterError).code;
  }
  return undefined;
}

describe('versioning: counter writes', () => {
  it('starts a missing key at 0', () => {
    expect(value(incr(emptyRecord(), 'a', 5n, 1))).to.equal(5n);
  });

  it('starts from the integer a string holds, replacing the string', () => {
    const r = incr(put(emptyRecord(), 'b', str('-40', 1)), 'a', 2n, 2);
    expect(r.siblings).to.have.length(1);
    expect(value(r)).to.equal(-38n);
  });

  it('refuses a string that is not a Redis integer, and leaves the record alone', () => {
    for (const s of ['abc', '1.5', ' 1', '01', '+1', '-0', '', '9223372036854775808']) {
      const rec = put(emptyRecord(), 'b', str(s, 1));
      expect(codeOf(() => incr(rec, 'a', 1n, 2)), JSON.stringify(s)).to.equal('COUNTER_NOT_INTEGER');
    }
  });

  it('refuses to go past the int64 range in either direction', () => {
    const top = put(emptyRecord(), 'b', str(MAX.toString(), 1));
    expect(codeOf(() => incr(top, 'a', 1n, 2))).to.equal('COUNTER_OVERFLOW');
    expect(value(incr(top, 'a', -1n, 2))).to.equal(MAX - 1n);
    const bottom = put(emptyRecord(), 'b', str((-MAX - 1n).toString(), 1));
    expect(codeOf(() => incr(bottom, 'a', -1n, 2))).to.equal('COUNTER_OVERFLOW');
    expect(codeOf(() => incr(incr(emptyRecord(), 'a', MAX, 1), 'b', 1n, 2))).to.equal('COUNTER_OVERFLOW');
  });

  it('keeps the TTL the key had; a delta that sets the expiry replaces it', () => {
    const r = incr(put(emptyRecord(), 'b', str('7', 1, 5000)), 'a', 1n, 2);
    expect(r.siblings[0]!.expireAt).to.equal(5000);
    const again = incr(r, 'a', 1n, 3);
    expect(again.siblings[0]!.expireAt).to.equal(5000);
    const persisted = put(again, 'a', { payload: counterDelta(0n, true), ts: 4, expireAt: null });
    expect(persisted.siblings[0]!.expireAt).to.equal(null);
    expect(value(persisted)).to.equal(9n);
  });

  it('restarts at 0 after a delete or once the key expired', () => {
    const counted = incr(emptyRecord(), 'a', 10n, 1);
    const deleted = put(counted, 'b', { payload: { kind: 'tombstone' }, ts: 2, expireAt: null });
    expect(value(incr(deleted, 'a', 1n, 3))).to.equal(1n);
    const expiring = put(counted, 'a', { payload: counterDelta(0n, true), ts: 2, expireAt: 100 });
    expect(value(incr(expiring, 'a', 1n, 99))).to.equal(11n);
    const after = incr(expiring, 'a', 1n, 100);
    expect(value(after)).to.equal(1n);
    expect(after.siblings[0]!.expireAt).to.equal(null);
  });

  it('with a SET concurrent with increments, the one written last decides where INCR starts', () => {
    const base = incr(emptyRecord(), 'a', 10n, 1);
    const counted = incr(base, 'a', 1n, 5);
    const setLater = put(base, 'b', str('100', 6));
    const setEarlier = put(base, 'b', str('100', 4));
    expect(value(incr(mergeRecords(counted, setLater), 'c', 1n, 7))).to.equal(101n);
    expect(value(incr(mergeRecords(counted, setEarlier), 'c', 1n, 7))).to.equal(12n);
  });

  it('parses integers as Redis string2ll does', () => {
    expect(parseIntegerString(Buffer.from('-9223372036854775808'))).to.equal(-MAX - 1n);
    expect(parseIntegerString(Buffer.from('0'))).to.equal(0n);
    expect(parseIntegerString(Buffer.from('1 '))).to.equal(null);
  });
});
