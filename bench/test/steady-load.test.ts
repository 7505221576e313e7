import { expect } from 'chai';
import { ReplyKinds } from '../lib/steady/reply-kinds';
import { CONNECTION_LOST, decodeLog, encodeLog, FIELDS, OK } from '../lib/steady/request-log';
import { OpenLoopSchedule } from '../lib/steady/schedule';

describe('bench steady load: open-loop schedule', () => {
  it('hands out requests at the rate, each with its due time, whatever the caller\'s timing', () => {
    const s = new OpenLoopSchedule(1000, 2000);
    expect(s.take(999)).to.deep.equal([]);
    expect(s.take(1001.2)).to.deep.equal([1000, 1000.5, 1001]);
    // a late call gets every request due meanwhile, with its own due time
    expect(s.take(1003)).to.deep.equal([1001.5, 1002, 1002.5, 1003]);
    expect(s.issued).to.equal(7);
  });

  it('a rate change applies from the next request on, without a gap or a burst', () => {
    const s = new OpenLoopSchedule(0, 1000);
    expect(s.take(2)).to.deep.equal([0, 1, 2]);
    s.setRate(2.2, 2000);
    expect(s.take(5)).to.deep.equal([3, 3.5, 4, 4.5, 5]);
    expect(s.ratePerSec).to.equal(2000);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new OpenLoopSchedule(0, 0)).to.throw(RangeError);
  });
});

describe('bench steady load: reply kinds', () => {
  it('reports each reply in order, errors with their text, across chunk boundaries', () => {
    const r = new ReplyKinds();
    const stream = Buffer.from('+OK\r\n-NOQUORUM 1 of 2\r\n$3\r\nabc\r\n$-1\r\n:5\r\n');
    const first = r.feed(stream.subarray(0, 12));
    const rest = r.feed(stream.subarray(12));
    expect([...first, ...rest]).to.deep.equal([
      { error: false }, { error: true, text: 'NOQUORUM 1 of 2' }, { error: false }, { error: false }, { error: false },
    ]);
  });

  it('keeps a bulk string split inside its payload until it is complete', () => {
    const r = new ReplyKinds();
    expect(r.feed(Buffer.from('$5\r\nab'))).to.have.length(0);
    expect(r.feed(Buffer.from('cde\r\n'))).to.deep.equal([{ error: false }]);
  });
});

describe('bench steady load: request log', () => {
  it('decodes what the worker encodes, ignoring the unused tail of its buffer', () => {
    const flat = new Float64Array(FIELDS * 4);
    flat.set([1700000000000.25, 1.5, OK, 2, 1700000000001, 1000, CONNECTION_LOST, 3]);
    const log = decodeLog(encodeLog(flat, 2));
    expect(log.length).to.equal(2);
    expect([...log.startMs]).to.deep.equal([1700000000000.25, 1700000000001]);
    expect([...log.latencyMs]).to.deep.equal([1.5, 1000]);
    expect([...log.status]).to.deep.equal([OK, CONNECTION_LOST]);
    expect([...log.node]).to.deep.equal([2, 3]);
  });
});
