import { expect } from 'chai';
import { LatencyWindow } from '../../lib/observability/latency-window';

const MS = 1e6;

describe('LatencyWindow', () => {
  it('reports p99 and p99.9 over the samples inside the window', () => {
    const w = new LatencyWindow({ slotMs: 250, slots: 4 });
    for (let i = 0; i < 999; i++) w.record(100 * MS, 1 * MS, false);
    w.record(100 * MS, 50 * MS, false);
    const s = w.stats(100 * MS);
    expect(s.count).to.equal(1000);
    expect(s.p99 / MS).to.be.within(1, 1.01);
    expect(s.p999 / MS).to.be.within(1, 1.01);
    w.record(120 * MS, 50 * MS, false);
    w.record(120 * MS, 50 * MS, false);
    expect(w.stats(120 * MS).p999 / MS).to.be.within(50, 50.5);
  });

  it('forgets samples once they are older than the window', () => {
    const w = new LatencyWindow({ slotMs: 250, slots: 4 });
    w.record(0, 80 * MS, true);
    expect(w.stats(999 * MS).count).to.equal(1);
    const later = w.stats(1000 * MS);
    expect(later).to.include({ count: 0, failures: 0, p999: 0 });
  });

  it('sums samples across slots and counts failures', () => {
    const w = new LatencyWindow({ slotMs: 100, slots: 10 });
    for (let t = 0; t < 1000; t += 10) w.record(t * MS, 2 * MS, t % 100 === 0);
    const s = w.stats(999 * MS);
    expect(s.count).to.equal(100);
    expect(s.failures).to.equal(10);
    expect(s.spanMs).to.equal(1000);
  });

  it('reuses a slot for a new period, dropping what it held', () => {
    const w = new LatencyWindow({ slotMs: 100, slots: 2 });
    w.record(0, 90 * MS, true);
    w.record(200 * MS, 1 * MS, false); // same ring slot, two periods later
    const s = w.stats(200 * MS);
    expect(s.count).to.equal(1);
    expect(s.failures).to.equal(0);
    expect(s.p999 / MS).to.be.below(1.1);
  });
});
