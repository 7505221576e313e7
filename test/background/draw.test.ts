import { expect } from 'chai';
import { SharedBudget } from '../../lib/background/budget';
import { drawBudget } from '../../lib/background/draw';
import { ManualClock } from '../../lib/util/manual-clock';

describe('drawBudget (batching tasks on the shared budget)', () => {
  it('grants what has accrued, at most the batch asked for, and nothing once stopped', async () => {
    const clock = new ManualClock(0);
    const shared = new SharedBudget({ rate: 100, burstMs: 100 }); // 10 records in the bucket
    const task = shared.forTask('antientropy');
    expect(await drawBudget(task, clock, 64, () => false)).to.equal(10);
    expect(await drawBudget(task, clock, 64, () => true)).to.equal(0);
    expect(await drawBudget(undefined, clock, 64, () => false)).to.equal(64);
  });

  it('a task drawing batches of 64 does not starve one drawing a record at a time', async () => {
    const clock = new ManualClock(0);
    const shared = new SharedBudget({ rate: 20, burstMs: 100 });
    const batches = shared.forTask('antientropy');
    const single = shared.forTask('handoff');
    const got = { batches: 0, single: 0 };
    let stop = false;
    // each grant is followed by 5 ms of work (a round trip to a peer)
    const loop = async (task: typeof batches, want: number, key: 'batches' | 'single') => {
      while (!stop) {
        got[key] += await drawBudget(task, clock, want, () => stop);
        await new Promise<void>((r) => clock.setTimer(5, () => r()));
      }
    };
    const runs = [loop(batches, 64, 'batches'), loop(single, 1, 'single')];
    for (let t = 0; t < 10_000; t += 10) await clock.advance(10);
    stop = true;
    await clock.advance(100);
    await Promise.all(runs);
    expect(got.batches + got.single, 'the rate holds').to.be.within(190, 205);
    expect(got.single, 'the one-at-a-time task').to.be.greaterThan(60);
  });
});
