import { expect } from 'chai';
import { InstantaneousMetrics, InstantaneousRate } from '../../lib/observability/instantaneous';

describe('observability: instantaneous rates (INFO instantaneous_*)', () => {
  it('is 0 before two samples, then the rate per second between samples', () => {
    const r = new InstantaneousRate();
    expect(r.perSecond()).to.equal(0);
    r.sample(1000, 0);
    expect(r.perSecond()).to.equal(0);
    r.sample(1100, 50); // 50 in 100 ms
    expect(r.perSecond()).to.equal(500);
  });

  it('averages the last 16 samples, so a burst fades out after 1.6 s', () => {
    const r = new InstantaneousRate();
    let t = 0;
    let v = 0;
    r.sample(t, v);
    for (let i = 0; i < 16; i++) r.sample((t += 100), (v += 100)); // 1,000/s
    expect(r.perSecond()).to.equal(1000);
    for (let i = 0; i < 8; i++) r.sample((t += 100), v); // idle for 0.8 s
    expect(r.perSecond()).to.equal(500);
    for (let i = 0; i < 8; i++) r.sample((t += 100), v);
    expect(r.perSecond()).to.equal(0);
  });

  it('ignores a sample at the same time as the last (no division by zero)', () => {
    const r = new InstantaneousRate();
    r.sample(100, 0);
    r.sample(100, 10);
    expect(r.perSecond()).to.equal(0);
    r.sample(200, 20);
    expect(r.perSecond()).to.equal(100);
  });

  it('gives INFO its fields: ops/s as an integer, kbps with two decimals', () => {
    const m = new InstantaneousMetrics();
    m.sample(0, 0, { input: 0, output: 0 });
    m.sample(100, 33, { input: 1024, output: 512 });
    expect(m.infoFields()).to.deep.equal([
      ['instantaneous_ops_per_sec', 330],
      ['instantaneous_input_kbps', '10.00'],
      ['instantaneous_output_kbps', '5.00'],
    ]);
  });
});
