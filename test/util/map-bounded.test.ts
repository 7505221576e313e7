import { expect } from 'chai';
import { mapBounded } from '../../lib/util/map-bounded';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('util/mapBounded', () => {
  it('keeps the order of the results and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapBounded(Array.from({ length: 100 }, (_, i) => i), 7, async (x, i) => {
      running++;
      most = Math.max(most, running);
      await tick();
      if (x % 3 === 0) await tick();
      running--;
      return x * 10 + (i === x ? 0 : 1);
    });
    expect(out).to.deep.equal(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(most).to.equal(7);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    const err = await mapBounded([1, 2, 3, 4, 5, 6], 2, async (x) => {
      started.push(x);
      await tick();
      if (x === 2) throw new Error('two');
      return x;
    }).then(() => null, (e: Error) => e);
    expect(err?.message).to.equal('two');
    expect(started).to.deep.equal([1, 2, 3]);
  });
});
