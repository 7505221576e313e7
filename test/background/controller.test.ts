import { expect } from 'chai';
import { BackgroundController } from '../../lib/background/controller';
import type { WindowStats } from '../../lib/observability/latency-window';
import { ManualClock } from '../../lib/util/manual-clock';

function fixedLatency(p999Ms: number, count = 1000): { windowStats(): WindowStats; set(ms: number): void } {
  let p = p999Ms;
  return {
    windowStats: () => ({ count, failures: 0, p99: (p * 1e6) / 2, p999: p * 1e6, spanMs: 2000 }),
    set: (ms) => { p = ms; },
  };
}

describe('background controller: the driver', () => {
  it('decides every tick on the clock and stops cleanly', () => {
    const clock = new ManualClock(0);
    const lat = fixedLatency(50);
    const c = new BackgroundController(clock, lat, { targetMs: 20, tickMs: 250, params: { initialRate: 400, minRate: 20, cooldownMs: 0 } });
    c.start();
    clock.advanceSync(250);
    expect(c.snapshot()).to.include({ rate: 200, downs: 1 });
    clock.advanceSync(500);
    expect(c.snapshot()).to.include({ rate: 50, downs: 3 });
    c.stop();
    expect(clock.pendingTimers()).to.equal(0);
    clock.advanceSync(1000);
    expect(c.snapshot().downs).to.equal(3);
  });

  it('grows only while the budget is being used', () => {
    const clock = new ManualClock(0);
    const c = new BackgroundController(clock, fixedLatency(0), { targetMs: 20, params: { initialRate: 200 } });
    const handoff = c.pacer();
    c.tick(0);
    expect(c.snapshot().rate).to.equal(200); // nothing spent yet: hold
    for (let t = 1; t <= 250; t++) handoff.spend(handoff.budget(t), t);
    c.tick(250);
    expect(c.snapshot().rate).to.equal(250);
  });

  it('shows its state in INFO background', () => {
    const clock = new ManualClock(0);
    const c = new BackgroundController(clock, fixedLatency(30), { targetMs: 20, params: { initialRate: 400 } });
    c.budgetFor('antientropy').spend(5, 0);
    c.tick(250);
    const f = new Map(c.infoFields());
    expect(f.get('background_controller')).to.equal('on');
    expect(f.get('background_budget_rps')).to.equal(200);
    expect(f.get('last_p999_ms')).to.equal('30.000');
    expect(f.get('decisions_down')).to.equal(1);
    expect(f.get('spent_antientropy')).to.equal(5);
  });

  it('when disabled, never runs and leaves background work at the maximum rate', () => {
    const clock = new ManualClock(0);
    const c = new BackgroundController(clock, fixedLatency(500), { targetMs: 20, enabled: false, params: { maxRate: 3000 } });
    c.start();
    expect(clock.pendingTimers()).to.equal(0);
    expect(new Map(c.infoFields()).get('background_budget_rps')).to.equal(3000);
    expect(new Map(c.infoFields()).get('background_controller')).to.equal('off');
  });
});
