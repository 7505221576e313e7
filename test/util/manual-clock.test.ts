import { expect } from 'chai';
import { ManualClock } from '../../lib/util/manual-clock';
import { mulberry32, randomInt } from '../../lib/util/rng';

describe('ManualClock', () => {
  it('runs due timers in time order, ties in the order they were set, and moves now to each', async () => {
    const c = new ManualClock(100);
    const log: string[] = [];
    c.setTimer(20, () => log.push(`b@${c.now()}`));
    c.setTimer(10, () => log.push(`a@${c.now()}`));
    c.setTimer(20, () => log.push(`c@${c.now()}`));
    c.setTimer(50, () => log.push(`late@${c.now()}`));
    await c.advance(30);
    expect(log).to.deep.equal(['a@110', 'b@120', 'c@120']);
    expect(c.now()).to.equal(130);
    expect(c.pendingTimers()).to.equal(1);
  });

  it('a cancelled timer never runs', async () => {
    const c = new ManualClock();
    let ran = false;
    c.setTimer(5, () => (ran = true))();
    await c.advance(10);
    expect(ran).to.equal(false);
  });

  it('runs timers set by promise continuations within the same advance', async () => {
    const c = new ManualClock();
    const log: number[] = [];
    c.setTimer(1, () => {
      void Promise.resolve().then(() => c.setTimer(1, () => log.push(c.now())));
    });
    await c.advance(5);
    expect(log).to.deep.equal([2]);
  });

  it('runUntilIdle jumps to each timer until none is left, and gives up on endless ones', async () => {
    const c = new ManualClock();
    c.setTimer(1000, () => c.setTimer(500, () => undefined));
    await c.runUntilIdle();
    expect(c.now()).to.equal(1500);
    const tick = (): void => void c.setTimer(1, tick);
    tick();
    let err: unknown;
    await c.runUntilIdle(100).catch((e: unknown) => (err = e));
    expect(err).to.have.property('code', 'CLOCK_NOT_IDLE');
  });
});

describe('mulberry32', () => {
  it('is repeatable for a seed, differs across seeds, and stays in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).to.deep.equal(xs);
    expect(mulberry32(2)()).to.not.equal(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).to.equal(true);
    const counts = [0, 0, 0, 0];
    const r = mulberry32(9);
    for (let i = 0; i < 4000; i++) counts[randomInt(r, 4)]!++;
    for (const n of counts) expect(n).to.be.within(850, 1150);
  });
});
