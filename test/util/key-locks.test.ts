import { expect } from 'chai';
import { KeyLocks } from '../../lib/util/key-locks';

const k = (s: string) => Buffer.from(s);
const tick = () => new Promise((r) => setImmediate(r));

describe('KeyLocks', () => {
  it('grants writers on one key one at a time, in arrival order', async () => {
    const locks = new KeyLocks();
    const order: number[] = [];
    const runs = [1, 2, 3].map((i) =>
      locks.acquire([k('a')], true).then(async (release) => {
        order.push(i);
        await tick();
        order.push(-i);
        release();
      }),
    );
    await Promise.all(runs);
    expect(order).to.deep.equal([1, -1, 2, -2, 3, -3]);
    expect(locks.size).to.equal(0);
  });

  it('lets readers share a key but not with a writer', async () => {
    const locks = new KeyLocks();
    const r1 = await locks.acquire([k('a')], false);
    const r2 = await locks.acquire([k('a')], false);
    let writerIn = false;
    const w = locks.acquire([k('a')], true).then((rel) => {
      writerIn = true;
      return rel;
    });
    await tick();
    expect(writerIn).to.equal(false);
    r1();
    await tick();
    expect(writerIn).to.equal(false);
    r2();
    (await w)();
    expect(writerIn).to.equal(true);
  });

  it('does not deadlock when two requests take the same keys in opposite order', async () => {
    const locks = new KeyLocks();
    const held = await locks.acquire([k('x')], true);
    const ab = locks.acquire([k('a'), k('b'), k('x')], true);
    const ba = locks.acquire([k('b'), k('a')], true);
    held();
    (await ab)();
    (await ba)();
    expect(locks.size).to.equal(0);
  });

  it('tryAcquire succeeds only when nobody holds or waits on the keys', () => {
    const locks = new KeyLocks();
    const rel = locks.tryAcquire([k('a')], true);
    expect(rel).to.be.a('function');
    expect(locks.tryAcquire([k('a')], false)).to.equal(null);
    expect(locks.tryAcquire([k('b')], false)).to.be.a('function');
    rel!();
    rel!(); // a second release is harmless
    expect(locks.tryAcquire([k('a')], true)).to.be.a('function');
  });

  it('busy tells whether anyone holds or waits on a key, until the last of them released it', async () => {
    const locks = new KeyLocks();
    expect(locks.busy('a')).to.equal(false);
    const first = locks.tryAcquire([k('a')], true)!;
    expect(locks.busy('a')).to.equal(true);
    const second = locks.acquire([k('a')], true);
    first();
    expect(locks.busy('a'), 'the waiter now holds it').to.equal(true);
    (await second)();
    expect(locks.busy('a')).to.equal(false);
    expect(locks.size).to.equal(0);
  });
});
