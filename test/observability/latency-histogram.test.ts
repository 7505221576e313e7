import { expect } from 'chai';
import fc from 'fast-check';
import {
  BUCKET_COUNT,
  LatencyHistogram,
  MAX_TRACKABLE_NS,
  bucketHigh,
  bucketIndex,
  bucketLow,
} from '../../lib/observability/latency-histogram';

describe('LatencyHistogram', () => {
  it('reads a 1,000 ns sample as 1,003 ns and 4,000 ns as 4,015 ns, as Redis 7 prints them', () => {
    const h = new LatencyHistogram();
    h.record(1000);
    expect(h.valueAtPercentile(50)).to.equal(1003);
    const g = new LatencyHistogram();
    g.record(4000);
    expect(g.valueAtPercentile(99.9)).to.equal(4015);
  });

  it('is exact below 256 ns', () => {
    for (let v = 0; v < 256; v++) expect([bucketLow(bucketIndex(v)), bucketHigh(bucketIndex(v))]).to.deep.equal([v, v]);
  });

  it('puts every value in a bucket that contains it and is within 1/128 of it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TRACKABLE_NS }), (v) => {
        const i = bucketIndex(v);
        expect(i).to.be.within(0, BUCKET_COUNT - 1);
        expect(bucketLow(i)).to.be.at.most(v);
        expect(bucketHigh(i)).to.be.at.least(v);
        expect(bucketHigh(i) - bucketLow(i)).to.be.at.most(Math.max(0, v / 128));
      }),
      { numRuns: 5000 },
    );
  });

  it('has contiguous buckets: each one starts right after the previous one ends', () => {
    for (let i = 1; i < BUCKET_COUNT; i++) expect(bucketLow(i)).to.equal(bucketHigh(i - 1) + 1);
    expect(bucketHigh(BUCKET_COUNT - 1)).to.equal(MAX_TRACKABLE_NS);
  });

  it('clamps values beyond minutes to the top bucket and negative ones to 0', () => {
    const h = new LatencyHistogram();
    h.record(1e15);
    h.record(-5);
    expect(h.valueAtPercentile(100)).to.equal(MAX_TRACKABLE_NS);
    expect(h.valueAtPercentile(0)).to.equal(0);
  });

  it('answers percentiles by rank: p50 of 1..1000 µs is about 500 µs, p99.9 about 999 µs', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 1000; us++) h.record(us * 1000);
    const p50 = h.valueAtPercentile(50);
    const p999 = h.valueAtPercentile(99.9);
    expect(p50).to.be.within(500_000, 500_000 * 1.01);
    expect(p999).to.be.within(999_000, 999_000 * 1.01);
    expect(h.valueAtPercentile(100)).to.be.at.least(1_000_000);
    expect(h.valueAtPercentile(0)).to.be.at.most(1000);
  });

  it('p0 is the lowest value of the lowest bucket, other percentiles the highest', () => {
    const h = new LatencyHistogram();
    h.record(3000);
    expect(h.valueAtPercentile(0)).to.equal(2992);
    expect(h.valueAtPercentile(12.5)).to.equal(3007);
  });

  it('reads 0 when empty and forgets everything on reset', () => {
    const h = new LatencyHistogram();
    expect(h.valueAtPercentile(99)).to.equal(0);
    h.record(50_000);
    h.reset();
    expect(h.total).to.equal(0);
    h.record(100);
    expect(h.valueAtPercentile(100)).to.equal(100);
  });
});
