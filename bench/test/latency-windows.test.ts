import { expect } from 'chai';
import { percentile, routeAround, slowThresholdMs, timeline, windowStats } from '../lib/latency-windows';
import { ERROR_REPLY, FIELDS, fromFlat, NO_REPLY, OK, type RequestLog } from '../lib/steady/request-log';

/** A log from [startMs, latencyMs, status] triples (node 0). */
function logOf(entries: ReadonlyArray<readonly [number, number, number]>): RequestLog {
  const flat = new Float64Array(entries.length * FIELDS);
  entries.forEach(([start, latency, status], i) => flat.set([start, latency, status, 0], i * FIELDS));
  return fromFlat(flat, entries.length);
}

describe('bench latency windows', () => {
  it('percentile is nearest-rank: p50 of 1..10 is 5, p99.9 of 1..1000 is 999, empty is NaN', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentile(ten, 0.5)).to.equal(5);
    expect(percentile(ten, 1)).to.equal(10);
    expect(percentile(Array.from({ length: 1000 }, (_, i) => i + 1), 0.999)).to.equal(999);
    expect(percentile([], 0.5)).to.be.NaN;
  });

  it('a window holds the requests that started in [from, to), whenever they ended', () => {
    const log = logOf([[999, 1, OK], [1000, 500, OK], [1500, 2, ERROR_REPLY], [1999.9, 3, OK], [2000, 4, OK]]);
    const w = windowStats(log, 1000, 2000);
    expect(w.requests).to.equal(3);
    expect(w.failed).to.equal(1);
    expect(w.ratePerSec).to.equal(3);
    expect(w.maxMs).to.equal(500);
    expect(w.p50Ms).to.equal(3);
  });

  it('failed requests count in the percentiles with their latency', () => {
    const entries: Array<[number, number, number]> = Array.from({ length: 999 }, (_, i) => [i, 1, OK]);
    entries.push([999, 1000, NO_REPLY]);
    const w = windowStats(logOf(entries), 0, 1000);
    expect(w.p999Ms).to.equal(1);
    expect(w.maxMs).to.equal(1000);
    expect(w.failed).to.equal(1);
  });

  it('an empty window has zero requests and NaN percentiles', () => {
    const w = windowStats(logOf([[5, 1, OK]]), 10, 20);
    expect(w.requests).to.equal(0);
    expect(w.p999Ms).to.be.NaN;
  });

  it('timeline cuts consecutive windows, the last one shorter', () => {
    const log = logOf([[0, 1, OK], [400, 1, OK], [1200, 1, OK], [2400, 1, OK]]);
    const rows = timeline(log, 0, 2500, 1000);
    expect(rows.map((r) => [r.fromMs, r.requests])).to.deep.equal([[0, 2], [1000, 1], [2000, 1]]);
    expect(rows[2].ratePerSec).to.equal(2);
  });

  it('route-around runs to the end of the last slow request started after the stop', () => {
    const stop = 10_000;
    const log = logOf([
      [9_990, 5_000, OK], // started before the stop: not counted however slow
      [10_000, 2_000, OK], // slow, ends at 12,000
      [10_500, 1_800, OK], // slow, ends at 12,300: the last slow end
      [11_000, 3, OK],
      [12_000, 40, ERROR_REPLY], // fast but failed
      [14_000, 60, OK], // slow, but started after `until`
    ]);
    const r = routeAround(log, stop, 14_000, 50);
    expect(r.routeAroundMs).to.equal(2_300);
    expect(r.slow).to.equal(2);
    expect(r.failed).to.equal(1);
    expect(r.requests).to.equal(4);
  });

  it('route-around is 0 when nothing after the stop was slow', () => {
    const r = routeAround(logOf([[100, 10, OK], [200, 49, OK]]), 100, 1000, 50);
    expect(r.routeAroundMs).to.equal(0);
    expect(r.slow).to.equal(0);
  });

  it('the slow threshold is 5x the quiet p99.9, at least 50 ms', () => {
    expect(slowThresholdMs(4)).to.equal(50);
    expect(slowThresholdMs(20)).to.equal(100);
  });
});
