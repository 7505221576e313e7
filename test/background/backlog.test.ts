import { expect } from 'chai';
import { runBacklogSim, type SimOptions, type SimResult } from './backlog-sim';

/**
 * 20,000 hints to deliver under a steady client load of 2,000 commands/s whose latency grows
 * with the background rate (the node saturates at 1,000 records/s); at 15 s the client load
 * rises (base latency 1 ms → 2.5 ms). Target 20 ms. Quiet p99.9 is 4 × base: 4 ms, then 10 ms.
 */
const base: SimOptions = {
  controller: true,
  hints: 20_000,
  durationMs: 45_000,
  targetMs: 20,
  clientOpsPerMs: 2,
  baseMs: (t) => (t < 15_000 ? 1 : 2.5),
  capacity: 1000,
};

describe('background controller: a hint backlog under client load (synthetic latency model)', function () {
  this.timeout(60_000);
  let on: SimResult;
  let off: SimResult;
  before(() => {
    on = runBacklogSim(base);
    off = runBacklogSim({ ...base, controller: false });
  });

  it('without the controller, the backlog drives client p99.9 far past the target', () => {
    expect(off.p999Ms(0, 5000)).to.be.greaterThan(2 * base.targetMs);
  });

  it('with it, client p99.9 stays near the target while the backlog drains', () => {
    const p = on.p999Ms(2000, 15_000);
    expect(p).to.be.at.most(1.25 * base.targetMs);
    expect(on.meanRate(5000, 15_000)).to.be.greaterThan(200); // it still makes progress
  });

  it('throttles harder when the client load raises latency, and keeps p99.9 near the target', () => {
    const before = on.meanRate(10_000, 15_000);
    const after = on.meanRate(18_000, 25_000);
    expect(after).to.be.lessThan(before * 0.75);
    expect(on.p999Ms(17_000, 30_000)).to.be.at.most(1.25 * base.targetMs);
    expect(on.controller.snapshot().downs).to.be.greaterThan(1);
  });

  it('still delivers the whole backlog, more slowly than with no controller', () => {
    expect(off.drainedAt).to.not.equal(null);
    expect(on.drainedAt).to.not.equal(null);
    expect(on.drainedAt!).to.be.greaterThan(off.drainedAt!);
  });
});
