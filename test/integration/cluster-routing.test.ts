/**
 * Redis Cluster commands over the ring, checked on a real 3-node cluster with the clients that
 * route by them: ioredis Cluster, redis-cli -c and redis-benchmark --cluster.
 */
import { execFile } from 'node:child_process';
import { expect } from 'chai';
import Redis, { Cluster } from 'ioredis';
import { buildRing, preferenceList, ringChecksum, keySlot } from '../../lib/ring';
import { disposeAll, redisAvailable, redisCli, startRedis, type ServerProcess } from './harness';
import { ioClient } from './client-helpers';
import {
  coveredOnce, disposeCluster, parseNodes, parseShards, slotsOf, startCluster, waitFor, waitUntilFormed,
  type ClusterNode, type ClusterSlot, type NodesLine, type ShardEntry,
} from './cluster-harness';

const VNODES = 64;
/** N=2 on 3 nodes: one node of each slot is no replica and forwards, so a hop saved is visible */
const N = 2;
const SLOT_COUNT = 16384;

describe('Redis Cluster commands over a 3-node ring (real processes)', function () {
  this.timeout(120000);
  let nodes: ClusterNode[] = [];
  let redis: ServerProcess | undefined;
  const clients: Redis[] = [];
  let cluster: Cluster | undefined;

  const client = (i: number): Redis => clients[i];
  const slotsFrom = async (i: number): Promise<ClusterSlot[]> => slotsOf(await client(i).call('CLUSTER', 'SLOTS'));
  const nodesFrom = async (i: number): Promise<NodesLine[]> => parseNodes(String(await client(i).call('CLUSTER', 'NODES')));
  const forwarded = async (): Promise<number> => {
    const infos = await Promise.all(clients.map((c) => c.info('cluster')));
    return infos.reduce((sum, info) => sum + Number(/forwarded_requests:(\d+)/.exec(info)?.[1] ?? NaN), 0);
  };

  before(async function () {
    if (!redisAvailable()) this.skip();
    nodes = await startCluster({ size: 3, conf: [`vnodes-per-weight ${VNODES}`, `replicas ${N}`, 'read-quorum 2', 'write-quorum 2'] });
    await waitUntilFormed(nodes);
    for (const n of nodes) clients.push(ioClient(n.port));
    redis = await startRedis(['--cluster-enabled', 'yes']);
  });

  after(async () => {
    cluster?.disconnect();
    for (const c of clients) c.disconnect();
    await disposeCluster(nodes);
    await disposeAll(redis);
  });

  it('CLUSTER KEYSLOT agrees with redis-server --cluster-enabled yes, hash tags included', async () => {
    const keys = ['', 'foo', 'bar', 'user:1000', '{user1000}.following', '{user1000}.followers', 'foo{}{bar}',
      'foo{{bar}}zap', 'foo{bar}{zap}', '{}', '{}{}', '{a', 'a}', '}{a}', 'x{y}z', '\u00e9t\u00e9', '123456789'];
    const ref = ioClient(redis!.port);
    try {
      for (const key of keys) {
        const want = await ref.call('CLUSTER', 'KEYSLOT', key);
        for (const c of clients) expect(await c.call('CLUSTER', 'KEYSLOT', key), `key ${JSON.stringify(key)}`).to.equal(want);
      }
    } finally {
      ref.disconnect();
    }
  });

  it('CLUSTER SLOTS covers every slot exactly once, each range led by a distinct known node', async () => {
    const ids = new Set(nodes.map((n) => n.id));
    for (let i = 0; i < nodes.length; i++) {
      const slots = await slotsFrom(i);
      expect(coveredOnce(slots.map((s) => [s.start, s.end]))).to.equal(true);
      expect(slots.length).to.be.at.most(1024);
      for (const s of slots) {
        expect(s.nodes).to.have.length(N); // the first N healthy nodes
        expect(new Set(s.nodes.map((n) => n.id)).size).to.equal(N);
        for (const n of s.nodes) {
          expect(ids.has(n.id)).to.equal(true);
          expect(n.port).to.equal(nodes.find((x) => x.id === n.id)!.port);
          expect(n.host).to.equal('127.0.0.1');
        }
      }
    }
  });

  it('every node reports the same slot map, which is the ring: master = first of the preference list', async () => {
    const ring = buildRing(nodes.map((n) => ({ id: n.id, zone: 'default', weight: 1 })), { vnodesPerWeight: VNODES });
    const info = await client(0).info('cluster');
    expect(info).to.contain(`ring_checksum:${ringChecksum(ring)}`);
    const maps = await Promise.all(nodes.map((_, i) => slotsFrom(i)));
    for (const m of maps.slice(1)) expect(m).to.deep.equal(maps[0]);
    for (const s of maps[0]) {
      for (const slot of [s.start, s.end, (s.start + s.end) >> 1]) {
        expect(s.nodes.map((n) => n.id)).to.deep.equal(preferenceList(ring, slot, N));
      }
    }
  });

  it('CLUSTER NODES shows each node once as master of exactly the ranges it leads in CLUSTER SLOTS', async () => {
    const slots = await slotsFrom(1);
    const lines = await nodesFrom(1);
    expect(lines.map((l) => l.id).sort()).to.deep.equal(nodes.map((n) => n.id).sort());
    expect(lines.filter((l) => l.flags.includes('myself')).map((l) => l.id)).to.deep.equal([nodes[1].id]);
    for (const l of lines) {
      const n = nodes.find((x) => x.id === l.id)!;
      expect(l.address).to.equal(`127.0.0.1:${n.port}@${n.clusterPort}`);
      expect(l.flags).to.include('master');
      expect(l.master).to.equal('-');
      expect(l.link).to.equal('connected');
      const led = new Set(slots.filter((s) => s.nodes[0].id === l.id).flatMap((s) => range(s.start, s.end)));
      expect(new Set(l.slots.flatMap(([a, b]) => range(a, b)))).to.deep.equal(led);
      expect(led.size).to.be.greaterThan(0);
    }
    expect(coveredOnce(lines.flatMap((l) => l.slots))).to.equal(true);
  });

  it('CLUSTER SHARDS groups ranges by node list, master first, every slot once, all nodes online', async () => {
    const shards: ShardEntry[] = parseShards(await client(2).call('CLUSTER', 'SHARDS'));
    const slots = await slotsFrom(2);
    expect(coveredOnce(shards.flatMap((s) => s.slots))).to.equal(true);
    for (const shard of shards) {
      expect(shard.nodes.map((n) => n.role)).to.deep.equal(['master', 'replica']);
      for (const n of shard.nodes) {
        expect(n.health).to.equal('online');
        expect(n.endpoint).to.equal(n.ip);
      }
      const [a] = shard.slots[0];
      const range = slots.find((s) => s.start === a)!;
      expect(range.nodes.map((n) => n.id)).to.deep.equal(shard.nodes.map((n) => n.id));
    }
  });

  it('CLUSTER INFO reports ok with every slot assigned, 3 known nodes and MYID names this node', async () => {
    for (let i = 0; i < nodes.length; i++) {
      const info = String(await client(i).call('CLUSTER', 'INFO'));
      expect(info).to.match(/^cluster_state:ok\r\n/);
      expect(info).to.contain('cluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:0\r\n');
      expect(info).to.contain('cluster_known_nodes:3\r\ncluster_size:3\r\n');
      expect(Number(/cluster_current_epoch:(\d+)/.exec(info)![1])).to.be.at.least(Number(/cluster_my_epoch:(\d+)/.exec(info)![1]));
      expect(await client(i).call('CLUSTER', 'MYID')).to.equal(nodes[i].id);
    }
  });

  it('CLUSTER COUNTKEYSINSLOT counts the visible keys of one slot on any node, and rejects bad slots as Redis does', async () => {
    const tag = `{cnt${Date.now()}}`;
    const slot = keySlot(tag.slice(1, -1));
    for (let k = 0; k < 7; k++) await client(k % 3).set(`${tag}:${k}`, 'v');
    await client(0).del(`${tag}:6`);
    for (const c of clients) expect(await c.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).to.equal(6);
    const ref = ioClient(redis!.port);
    try {
      for (const bad of ['-1', '16384', 'x', '1.5']) {
        const want = await ref.call('CLUSTER', 'COUNTKEYSINSLOT', bad).catch((e: Error) => e.message);
        const got = await client(0).call('CLUSTER', 'COUNTKEYSINSLOT', bad).catch((e: Error) => e.message);
        expect(got).to.equal(want);
      }
      for (const argv of [['CLUSTER', 'KEYSLOT'], ['READONLY', 'x'], ['CLUSTER', 'NOSUCH'], ['READONLY'], ['READWRITE']]) {
        const [name, ...rest] = argv;
        const want = await ref.call(name, ...rest).catch((e: Error) => e.message);
        expect(await client(0).call(name, ...rest).catch((e: Error) => e.message), argv.join(' ')).to.equal(want);
      }
    } finally {
      ref.disconnect();
    }
    const empty = (slot + 8192) % SLOT_COUNT;
    const used = await client(0).keys('*');
    if (!used.some((k) => keySlot(k) === empty)) expect(await client(1).call('CLUSTER', 'COUNTKEYSINSLOT', String(empty))).to.equal(0);
  });

  it('ioredis Cluster round-trips 2,000 keys, routing each to the node the ring names first (no forwarding hop)', async () => {
    cluster = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { redisOptions: { disableClientInfo: true } });
    await new Promise<void>((resolve, reject) => {
      cluster!.once('ready', resolve);
      cluster!.once('error', reject);
    });
    const ring = buildRing(nodes.map((n) => ({ id: n.id, zone: 'default', weight: 1 })), { vnodesPerWeight: VNODES });
    const portOf = new Map(nodes.map((n) => [n.id, n.port]));
    const before = await forwarded();
    const keys = Array.from({ length: 2000 }, (_, i) => `io:${i}:${i * 7919}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(keys.slice(i, i + 100).map((k) => cluster!.set(k, `value-${k}`)));
    }
    const values = await Promise.all(keys.map((k) => cluster!.get(k)));
    expect(values).to.deep.equal(keys.map((k) => `value-${k}`));
    for (const k of keys) {
      const slot = keySlot(k);
      expect(cluster.slots[slot][0], k).to.equal(`127.0.0.1:${portOf.get(preferenceList(ring, slot, 1)[0])}`);
    }
    expect(await forwarded()).to.equal(before);
    // the same reads through one node do take the hop for the slots that node holds no replica of
    await Promise.all(keys.slice(0, 200).map((k) => client(0).get(k)));
    expect(await forwarded()).to.be.greaterThan(before);
  });

  it('redis-cli -c sets on one node and gets from the others', async () => {
    for (const [i, key] of ['alpha', 'beta', '{tag}gamma', 'delta'].entries()) {
      expect((await redisCli(nodes[i % 3].port, ['-c', 'SET', key, `v-${key}`])).trim()).to.equal('OK');
      for (const n of nodes) expect((await redisCli(n.port, ['-c', 'GET', key])).trim()).to.equal(`v-${key}`);
    }
  });

  it('redis-benchmark --cluster -t set,get -n 20000 runs without errors', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile('redis-benchmark', ['--cluster', '-h', '127.0.0.1', '-p', String(nodes[0].port), '-t', 'set,get', '-n', '20000', '-q'],
        { timeout: 100000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout + stderr)));
    });
    expect(out).to.match(/Cluster has 3 master nodes/);
    expect(out).to.match(/^SET: [\d.]+ requests per second/m);
    expect(out).to.match(/^GET: [\d.]+ requests per second/m);
    expect(out).to.not.match(/error|ERR/i);
    expect(out).to.not.match(/WARNING/); // it asks CONFIG GET save and appendonly first
  });

  it('a killed node stops being named master within seconds, is flagged fail?, and ioredis keeps working', async () => {
    const dead = nodes[2];
    await dead.process.kill9();
    for (const i of [0, 1]) {
      await waitFor(`node ${i} to stop naming ${dead.id} in CLUSTER SLOTS`, 10000, async () =>
        (await slotsFrom(i)).every((s) => s.nodes.every((n) => n.id !== dead.id)));
    }
    const slots = await slotsFrom(0);
    expect(coveredOnce(slots.map((s) => [s.start, s.end]))).to.equal(true);
    const line = (await nodesFrom(0)).find((l) => l.id === dead.id)!;
    expect(line.flags).to.include('fail?');
    expect(line.slots).to.deep.equal([]);
    const info = String(await client(0).call('CLUSTER', 'INFO'));
    expect(info).to.match(/^cluster_state:ok\r\n/); // two of three nodes still meet R=W=2
    const pfail = Number(/cluster_slots_pfail:(\d+)/.exec(info)![1]);
    const ok = Number(/cluster_slots_ok:(\d+)/.exec(info)![1]);
    expect(pfail).to.be.greaterThan(0); // the slots the dead node leads are served by stand-ins
    expect(ok + pfail).to.equal(SLOT_COUNT);
    const shards = parseShards(await client(1).call('CLUSTER', 'SHARDS'));
    const deadShard = shards.find((sh) => sh.nodes.some((n) => n.id === dead.id))!;
    expect(deadShard.slots).to.deep.equal([]);
    expect(deadShard.nodes.map((n) => [n.role, n.health])).to.deep.equal([['master', 'failed']]);
    const keys = Array.from({ length: 300 }, (_, i) => `after-kill:${i}`);
    await Promise.all(keys.map((k) => cluster!.set(k, k)));
    expect(await Promise.all(keys.map((k) => cluster!.get(k)))).to.deep.equal(keys);
    expect(await cluster!.get('io:1:7919')).to.equal('value-io:1:7919');
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

describe('cluster-announce-ip and cluster-announce-port (a real node)', function () {
  this.timeout(60000);
  let nodes: ClusterNode[] = [];
  let c: Redis | undefined;

  before(async () => {
    // a node behind NAT: clients are told 10.9.8.7:7999, peers 10.9.8.7:<its cluster-port>
    nodes = await startCluster({ size: 1, conf: ['cluster-announce-ip 10.9.8.7', 'cluster-announce-port 7999'] });
    c = ioClient(nodes[0]!.port);
    // a node waits about a second for its seeds before it starts a cluster of its own
    await waitFor('the node to own the ring', 10000, async () => (await slotsOf(await c!.call('CLUSTER', 'SLOTS'))).length > 0);
  });

  after(async () => {
    c?.disconnect();
    await disposeCluster(nodes);
  });

  it('CLUSTER SLOTS, NODES and SHARDS report the announced address, not the one it listens on', async () => {
    const node = nodes[0]!;
    expect((await slotsOf(await c!.call('CLUSTER', 'SLOTS'))).map((s) => s.nodes.map((n) => [n.host, n.port]))).to.deep.equal([[['10.9.8.7', 7999]]]);
    const [line] = parseNodes(String(await c!.call('CLUSTER', 'NODES')));
    expect(line!.address).to.equal(`10.9.8.7:7999@${node.clusterPort}`);
    const [shard] = parseShards(await c!.call('CLUSTER', 'SHARDS'));
    expect(shard!.nodes.map((n) => [n.ip, n.endpoint, n.port])).to.deep.equal([['10.9.8.7', '10.9.8.7', 7999]]);
    expect(await c!.call('CONFIG', 'GET', 'cluster-announce-*')).to.deep.equal([
      'cluster-announce-ip', '10.9.8.7', 'cluster-announce-port', '7999', 'cluster-announce-bus-port', '0',
    ]);
  });
});
