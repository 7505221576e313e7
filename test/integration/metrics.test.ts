/**
 * `metrics-port` on a real node: Prometheus text over HTTP that follows what ioredis did, next to
 * the INFO it is read from.
 */
import http from 'node:http';
import { expect } from 'chai';
import { disposeAll, freePort, startNode, type ServerProcess } from './harness';
import { ioClient } from './client-helpers';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('integration: Prometheus metrics (metrics-port)', function () {
  this.timeout(30000);
  let qkv: ServerProcess | undefined;
  let metricsPort = 0;
  before(async () => {
    metricsPort = await freePort();
    qkv = await startNode({ args: ['--metrics-port', String(metricsPort)] });
  });
  after(() => disposeAll(qkv));

  it('GET /metrics counts the commands an ioredis client sent, as INFO does', async () => {
    const client = ioClient(qkv!.port);
    try {
      for (let i = 0; i < 5; i++) await client.set(`m:${i}`, 'v');
      for (let i = 0; i < 3; i++) await client.get(`m:${i}`);
      const info = await client.info();
      const nodeId = /^node_id:(\S+)/m.exec(info)?.[1];
      const res = await get(metricsPort, '/metrics');
      expect(res.status).to.equal(200);
      expect(res.type).to.match(/^text\/plain; version=0\.0\.4/);
      expect(sample(res.body, 'quorumkv_command_calls_total{command="set"}')).to.equal(5);
      expect(sample(res.body, 'quorumkv_command_calls_total{command="get"}')).to.equal(3);
      expect(sample(res.body, 'quorumkv_command_latency_seconds{command="set",quantile="0.999"}')).to.be.above(0);
      expect(sample(res.body, 'quorumkv_commands_processed_total')).to.be.at.least(9);
      expect(sample(res.body, 'quorumkv_connected_clients')).to.equal(1);
      expect(sample(res.body, `quorumkv_node_info{node_id="${nodeId}",version="0.1.0"}`)).to.equal(1);
      expect(sample(res.body, 'process_resident_memory_bytes')).to.be.above(0);
    } finally {
      client.disconnect();
    }
  });

  it('answers 404 off /metrics and 405 to a POST, and keeps serving', async () => {
    expect((await get(metricsPort, '/')).status).to.equal(404);
    expect((await get(metricsPort, '/metrics', 'POST')).status).to.equal(405);
    expect((await get(metricsPort, '/metrics?x=1')).status).to.equal(200);
    const head = await get(metricsPort, '/metrics', 'HEAD');
    expect([head.status, head.body]).to.deep.equal([200, '']);
  });
});
