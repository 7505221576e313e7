import { expect } from 'chai';
import { runWorkers } from '../../lib/util/worker-pool';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('runWorkers', () => {
  it('every item once, in order of taking, when the leave to go makes workers wait at the end of the list', async () => {
    // the failover bench found workers that checked for items, waited for the pacer, and then took
    // an item past the end (a round failed after each page): items are taken before the wait
    const items = Array.from({ length: 10 }, (_, i) => i);
    const seen: number[] = [];
    const res = await runWorkers(items, 4, async () => {
      await tick();
      await tick();
      return true;
    }, async (i) => {
      seen.push(i);
      return true;
    });
    expect(seen.sort((a, b) => a - b)).to.deep.equal(items);
    expect(res).to.deep.equal({ done: 10, stopped: false });
  });

  it('a false from work stops the others after the items they already took', async () => {
    const seen: number[] = [];
    const res = await runWorkers([1, 2, 3, 4, 5, 6, 7, 8], 2, async () => true, async (i) => {
      seen.push(i);
      await tick();
      return i !== 3;
    });
    expect(res.stopped).to.equal(true);
    expect(seen.length).to.be.below(8);
    expect(seen).to.include(3);
  });

  it('no leave to go stops the workers without doing the item', async () => {
    let calls = 0;
    const res = await runWorkers([1, 2, 3], 3, async () => ++calls < 2, async () => true);
    expect(res.stopped).to.equal(true);
    expect(res.done).to.equal(1);
  });
});
