/** Replies carried between nodes (a forwarded command's answer) keep their kind and value. */
import { expect } from 'chai';
import { pack, unpackObject } from '../../lib/coordinator/messages';
import { DoubleReply, ErrorReply, MapReply, NULL_ARRAY, OK, SetReply, SimpleString, VerbatimReply, type Reply } from '../../lib/resp/reply';
import { replyFromWire, replyToWire } from '../../lib/resp/reply-wire';

const through = (r: Reply): Reply => replyFromWire(unpackObject(pack({ y: replyToWire(r) })).y);

describe('reply wire form', () => {
  it('round-trips every kind of reply through msgpack', () => {
    const cases: Reply[] = [
      null, Buffer.from('bin\0\r\n'), Buffer.alloc(0), 'text', 0, -7, 2 ** 40, 2n ** 63n - 1n, -(2n ** 63n),
      OK, new SimpleString('QUEUED'), new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value'),
      NULL_ARRAY, [], [Buffer.from('a'), null, 3, [new ErrorReply('ERR x')]],
      new MapReply([[Buffer.from('k'), 1], ['n', null]]), new DoubleReply(1.5), new DoubleReply(Infinity),
      new VerbatimReply('txt'), new SetReply([Buffer.from('m')]),
    ];
    for (const r of cases) expect(through(r), String(r)).to.deep.equal(r);
  });

  it('refuses what is not a reply', () => {
    for (const bad of [['?', 1], ['i', 1.5], ['b', '12a'], ['a', 'x'], ['m', [[1]]], 5, 'x', ['-', 3]]) {
      expect(() => replyFromWire(bad), JSON.stringify(bad)).to.throw(/reply/);
    }
    let deep: unknown = null;
    for (let i = 0; i < 40; i++) deep = ['a', [deep]];
    expect(() => replyFromWire(deep)).to.throw(/deeply/);
  });
});
