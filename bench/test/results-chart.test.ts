import { expect } from 'chai';
import { defaultScenarios, SCENARIOS } from '../lib/scenarios';
import { renderLatencyChart } from '../lib/svg-chart';

describe('bench latency chart', () => {
  const rows = [
    { group: 'single P1 SET', target: 'redis', p50Ms: 0.25, p99Ms: 0.6, p999Ms: 1.6 },
    { group: 'single P1 SET', target: 'quorumkv', p50Ms: 1.3, p99Ms: 12.5, p999Ms: 38.6 },
    { group: 'ycsb A-P1 READ', target: 'quorumkv-3 <x>', p50Ms: 5, p99Ms: 50, p999Ms: 300 },
  ];

  it('draws one p50, one p99 and one p99.9 mark per row, on a log axis covering every value', () => {
    const svg = renderLatencyChart(rows, 'title');
    expect(svg.startsWith('<svg')).to.equal(true);
    expect(svg.match(/<circle/g)).to.have.length(3);
    expect(svg.match(/<rect x=/g)).to.have.length(3);
    expect(svg.match(/<title>p99.9/g)).to.have.length(3);
    expect(svg).to.include('>0.1 ms<').and.to.include('>1000 ms<');
    expect(svg).to.include('quorumkv-3 &lt;x&gt;');
  });

  it('places a slower percentile further right', () => {
    const svg = renderLatencyChart(rows.slice(1, 2), 't');
    const cx = Number(/<circle cx="([\d.]+)"/.exec(svg)?.[1]);
    const rx = Number(/<rect x="([\d.]+)" y/.exec(svg)?.[1]);
    expect(rx).to.be.greaterThan(cx);
  });
});

describe('bench scenario table', () => {
  it('the default set has every scenario but scale, and each is findable by a unique name', () => {
    expect(defaultScenarios().map((s) => s.name)).to.deep.equal(['single', 'durable', 'cluster3', 'cluster3-one-down', 'ycsb']);
    expect(new Set(SCENARIOS.map((s) => s.name)).size).to.equal(SCENARIOS.length);
  });
});
