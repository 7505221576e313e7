import { expect } from 'chai';
import { Metrics, metricName, numericValue, type InfoSections } from '../../lib/observability/metrics';
import type { CommandLatency } from '../../lib/observability/latency';

/** a source whose INFO the test changes between scrapes */
function source(initial: InfoSections, latencies: CommandLatency[] = []) {
  const s = { sections: initial, latencies };
  return { s, src: { sections: () => s.sections, latencies: () => s.latencies } };
}

/** the value of one sample line (`name{labels} value`), or undefined */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const type = (text: string, name: string): string | undefined => new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(text)?.[1];

const SECTIONS: InfoSections = [
  ['server', [['redis_version', '7.0.0'], ['process_id', 4242], ['tcp_port', 7001], ['uptime_in_seconds', 12], ['node_id', 'n1']]],
  ['clients', [['connected_clients', 3]]],
  ['persistence', [['loading', 0], ['fsync', 'everysec']]],
  ['stats', [['total_commands_processed', 10], ['rejected_connections', 0]]],
  ['cpu', [['used_cpu_user', '0.250000']]],
  ['cluster', [['ring_checksum', '0123456789abcdef'], ['cluster_known_nodes', 3]]],
  ['handoff', [['hints_pending', 15], ['hints_per_target', 'n2=3,n3=12'], ['hints_delivered', 4]]],
  ['background', [['last_decision', 'hold'], ['last_p999_ms', '1.450']]],
  ['latencystats', [['latency_percentiles_usec_get', 'p50=1.000,p99=2.000,p99.9=3.000']]],
];

describe('observability: Prometheus metrics from INFO', () => {
  it('names a field after INFO; a growing field is a counter ending in _total, a leading total_ moved there', () => {
    expect(metricName('connected_clients')).to.equal('quorumkv_connected_clients');
    expect(metricName('total_commands_processed')).to.equal('quorumkv_commands_processed_total');
    expect(metricName('hints_delivered')).to.equal('quorumkv_hints_delivered_total');
    expect(metricName('not-a-name')).to.equal(null);
  });

  it('reads numbers and decimal text as numbers, anything else as text', () => {
    expect(numericValue(3)).to.equal(3);
    expect(numericValue('0.250000')).to.equal(0.25);
    expect(numericValue('-1')).to.equal(-1);
    expect(numericValue('everysec')).to.equal(null);
    expect(numericValue('0123abc')).to.equal(null);
    expect(numericValue(Number.NaN)).to.equal(null);
  });

  it('exports every numeric field with its type, and skips identity, text and Redis placeholders', async () => {
    const { src } = source(SECTIONS);
    const text = await new Metrics(src, { nodeId: 'n1', version: '1.2.3', processMetrics: false }).render();
    expect(sample(text, 'quorumkv_connected_clients')).to.equal(3);
    expect(type(text, 'quorumkv_connected_clients')).to.equal('gauge');
    expect(sample(text, 'quorumkv_commands_processed_total')).to.equal(10);
    expect(type(text, 'quorumkv_commands_processed_total')).to.equal('counter');
    expect(sample(text, 'quorumkv_used_cpu_user_total')).to.equal(0.25);
    expect(sample(text, 'quorumkv_last_p999_ms')).to.equal(1.45);
    expect(sample(text, 'quorumkv_uptime_in_seconds')).to.equal(12);
    expect(sample(text, 'quorumkv_node_info{node_id="n1",version="1.2.3"}')).to.equal(1);
    expect(sample(text, 'quorumkv_ring_info{checksum="0123456789abcdef"}')).to.equal(1);
    expect(sample(text, 'quorumkv_hints_pending_per_target{target="n2"}')).to.equal(3);
    expect(sample(text, 'quorumkv_hints_pending_per_target{target="n3"}')).to.equal(12);
    for (const absent of ['process_id', 'tcp_port', 'redis_version', 'loading', 'fsync', 'last_decision', 'latency_percentiles']) {
      expect(text, absent).to.not.include(`quorumkv_${absent}`);
    }
    expect(text).to.not.include('nodejs_');
  });

  it('reads the values anew at each scrape: counters follow INFO, hints of a drained target go', async () => {
    const { s, src } = source(SECTIONS);
    const m = new Metrics(src, { nodeId: 'n1', version: '1', processMetrics: false });
    await m.render();
    s.sections = SECTIONS.map(([name, fields]) => [name, fields.map(([k, v]) =>
      k === 'total_commands_processed' ? [k, 25] as const : k === 'hints_per_target' ? [k, 'n3=2'] as const : [k, v] as const)]);
    const text = await m.render();
    expect(sample(text, 'quorumkv_commands_processed_total')).to.equal(25);
    expect(sample(text, 'quorumkv_hints_pending_per_target{target="n3"}')).to.equal(2);
    expect(sample(text, 'quorumkv_hints_pending_per_target{target="n2"}')).to.equal(undefined);
  });

  it('gives each command its calls and latency percentiles in seconds, quantiles as 0.5 0.99 0.999', async () => {
    const { src } = source([], [{ command: 'config|get', calls: 7, quantiles: [[50, 0.001], [99, 0.002], [99.9, 0.004]] }]);
    const text = await new Metrics(src, { nodeId: 'n1', version: '1', processMetrics: false }).render();
    expect(sample(text, 'quorumkv_command_calls_total{command="config|get"}')).to.equal(7);
    expect(sample(text, 'quorumkv_command_latency_seconds{command="config|get",quantile="0.5"}')).to.equal(0.001);
    expect(sample(text, 'quorumkv_command_latency_seconds{command="config|get",quantile="0.999"}')).to.equal(0.004);
  });

  it('adds the process and Node.js metrics unless told not to', async () => {
    const text = await new Metrics(source([]).src, { nodeId: 'n1', version: '1' }).render();
    expect(text).to.match(/^process_resident_memory_bytes \d+/m);
    expect(text).to.match(/^nodejs_heap_size_used_bytes \d+/m);
  });
});
