import { expect } from 'chai';
import { PeriodicTask } from '../../lib/background/periodic';
import { ManualClock } from '../../lib/util/manual-clock';

describe('PeriodicTask', () => {
  it('runs every interval, one run at a time, and stop() waits for the run under way', async () => {
    const clock = new ManualClock(0);
    const starts: number[] = [];
    let finish: (() => void) | null = null;
    const task = new PeriodicTask(clock, 100, () => {
      starts.push(clock.now());
      return new Promise<void>((r) => (finish = r));
    });
    task.start();
    await clock.advance(100);
    expect(starts).to.deep.equal([100]);
    await clock.advance(500); // the first run has not settled: no second one
    expect(starts).to.deep.equal([100]);
    finish!();
    await clock.advance(100);
    expect(starts).to.deep.equal([100, 700]);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await clock.advance(1);
    expect(stopped, 'waits for the run under way').to.equal(false);
    expect(task.stopped).to.equal(true);
    finish!();
    await stopping;
    await clock.advance(1000);
    expect(starts).to.deep.equal([100, 700]);
  });

  it('a run that fails goes to onError and the schedule goes on; start() again takes a new interval', async () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    let runs = 0;
    const task = new PeriodicTask(clock, 100, async () => {
      runs++;
      throw new Error('boom');
    }, (err) => errors.push(err));
    task.start();
    await clock.advance(250);
    expect(runs).to.equal(2);
    expect(errors).to.have.length(2);
    task.start(1000);
    await clock.advance(999);
    expect(runs).to.equal(2);
    await clock.advance(1);
    expect(runs).to.equal(3);
    await task.stop();
    expect(task.running).to.equal(false);
  });
});
