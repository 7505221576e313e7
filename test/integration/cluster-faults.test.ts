/**
 * Real-process cluster tests ("Cluster core" done-when list): three quorumkv-server processes on
 * free ports with --seeds pointing at each other, N=3 R=2 W=2, fresh temp directories. Replication
 * to every replica, kill -9 and restart with catch-up by read repair, siblings from concurrent
 * writes through two coordinators, expiry, and the cluster-secret handshake. Also `npm start`
 * (bin/local-cluster) with a temporary conf dir. Runs after `tsc` (bin/ loads dist/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type Redis from 'ioredis';
import { ROOT, freePort, redisCli, tempDir } from './harness';
import { ProcCluster, type ProcNode, sleep, waitFor } from './cluster-harness-procs';
import { RawPeer } from '../transport/raw-peer';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import { encodeMembers } from '../../lib/membership/codec';

/** DEBUG REPLICA through ioredis: the node's own [context, ...values] */
async function replica(c: Redis, key: string): Promise<{ context: string; values: string[] }> {
  const r = (await c.call('DEBUG', 'REPLICA', key)) as string[];
  return { context: r[0]!, values: r.slice(1).sort() };
}

/** DEBUG REPLICA through redis-cli: the sorted values only */
async function replicaValuesCli(node: ProcNode, key: string): Promise<string[]> {
  const lines = (await redisCli(node.port, ['--no-raw', 'DEBUG', 'REPLICA', key])).trim().split('\n');
  return lines.slice(1).map((l) => JSON.parse(l.replace(/^\d+\)\s*/, '')) as string).sort();
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the command to fail');
}

describe('a cluster of three real processes (N=3 R=2 W=2)', function () {
  this.timeout(30000);
  let cluster: ProcCluster;
  let c: Redis[];

  before(async () => {
    cluster = await ProcCluster.start(3);
    await cluster.waitFormed(3);
    c = [cluster.client(0), cluster.client(1), cluster.client(2)];
  });
  after(async () => {
    await cluster?.dispose();
  });

  it('stores every key written through one node on all three replicas', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `rep:${i}`);
    for (const k of keys) expect(await c[0]!.set(k, `v-${k}`)).to.equal('OK');
    // W=2: the third replica may get its copy just after the reply
    await waitFor('every replica to hold every key', async () => {
      for (const i of [0, 1, 2]) {
        for (const k of keys) if ((await replica(c[i]!, k)).values.join() !== `v-${k}`) return false;
      }
      return true;
    }, 3000);
    for (const node of cluster.nodes) expect(await replicaValuesCli(node, 'rep:7')).to.deep.equal(['v-rep:7']);
  });

  it('keeps two siblings on every replica after concurrent VSETs with one context through two coordinators', async () => {
    const [ctx0] = (await c[0]!.call('VGET', 'sib')) as string[];
    const [a, b] = await Promise.all([
      c[0]!.call('VSET', 'sib', ctx0!, 'from-node1'),
      c[1]!.call('VSET', 'sib', ctx0!, 'from-node2'),
    ]);
    expect([a, b]).to.deep.equal(['OK', 'OK']);
    await waitFor('two siblings on every replica', async () => {
      const rs = await Promise.all(c.map((x) => replica(x, 'sib')));
      return rs.every((r) => r.values.join() === 'from-node1,from-node2');
    }, 3000);
    const [merged, ...values] = (await c[2]!.call('VGET', 'sib')) as string[];
    expect(values.sort()).to.deep.equal(['from-node1', 'from-node2']);
    expect(await c[2]!.call('VSET', 'sib', merged!, 'resolved')).to.equal('OK');
    await waitFor('one value on every replica', async () => {
      const rs = await Promise.all(c.map((x) => replica(x, 'sib')));
      return rs.every((r) => r.values.join() === 'resolved');
    }, 3000);
    expect(await c[0]!.get('sib')).to.equal('resolved');
  });

  it('one hot key: pipelines of SET/GET from clients on every node each see their own writes in order; plain SETs through one node leave one value', async () => {
    // GET and plain SET take no key lock, so other clients' commands on the key do not wait for
    // each other; a connection's own commands on it still run in order
    const clients = Array.from({ length: 6 }, (_, i) => cluster.client(i % 3));
    await Promise.all(clients.map(async (x, n) => {
      const p = x.pipeline();
      for (let i = 0; i < 40; i++) p.set('hot', `${n}-${i}`).get('hot');
      const res = (await p.exec())!;
      res.forEach(([err], j) => expect(err, `reply ${j} of client ${n}`).to.equal(null));
      // each GET sees this client's SET just before it, or another client's write: never one of
      // this client's own other writes (an earlier one, or a later one run ahead of it)
      for (let i = 0; i < 40; i++) {
        const [writer, index] = String(res[2 * i + 1]![1]).split('-').map(Number);
        if (writer === n) expect(index, `GET ${i} of client ${n}`).to.equal(i);
      }
      expect(res.filter((_, j) => j % 2 === 0).map(([, v]) => v)).to.deep.equal(new Array(40).fill('OK'));
    }));
    const one = clients.filter((_, i) => i % 3 === 0);
    await Promise.all(one.map((x, n) => Promise.all(Array.from({ length: 50 }, (_, i) => x.set('hot1', `${n}-${i}`)))));
    // writes coordinated by one node build on each other: no siblings, on any replica
    await waitFor('one value of hot1 on every replica', async () => {
      const rs = await Promise.all(c.map((x) => replica(x, 'hot1')));
      return rs.every((r) => r.values.length === 1 && r.values[0] === rs[0]!.values[0]);
    }, 3000);
  });

  it('a pipeline on one key through one node answers as a single Redis would', async () => {
    const p = c[1]!.pipeline();
    for (let i = 0; i < 100; i++) p.set('seq', `v${i}`).get('seq').append('seq', '+').get('seq').exists('seq').mget('seq', 'none');
    const res = (await p.exec())!;
    for (let i = 0; i < 100; i++) {
      expect(res.slice(6 * i, 6 * i + 6).map(([, v]) => v)).to.deep.equal(['OK', `v${i}`, `v${i}+`.length, `v${i}+`, 1, [`v${i}+`, null]]);
    }
    // VSET and VGET take no key lock either: each VGET shows the VSET just before it
    const q = c[1]!.pipeline();
    for (let i = 0; i < 30; i++) q.call('VSET', 'vseq', '', `w${i}`).call('VGET', 'vseq');
    const vres = (await q.exec())!;
    for (let i = 0; i < 30; i++) expect((vres[2 * i + 1]![1] as string[]).slice(1), `VGET ${i}`).to.include(`w${i}`);
  });

  it('replicates expiry: a key SET with PX 300 through node1 reads nil through node2 and node3 after 400 ms', async () => {
    expect(await c[0]!.set('ttl:k', 'v', 'PX', 300)).to.equal('OK');
    expect(await c[1]!.get('ttl:k')).to.equal('v');
    await waitFor('the key on node3', async () => (await replica(c[2]!, 'ttl:k')).values.join() === 'v', 250, 10);
    await sleep(400);
    expect(await c[1]!.get('ttl:k')).to.equal(null);
    expect(await c[2]!.get('ttl:k')).to.equal(null);
    expect(await redisCli(cluster.nodes[2]!.port, ['EXISTS', 'ttl:k'])).to.equal('0\n');
    for (const x of c) expect((await replica(x, 'ttl:k')).values).to.deep.equal([]);
  });

  it('serves SET/GET with one node killed, refuses QUORUM 3 3 with NOQUORUM, and the restarted node catches up by read repair', async () => {
    const victim = cluster.nodes[2]!;
    await victim.kill9();
    const keys = Array.from({ length: 10 }, (_, i) => `down:${i}`);
    for (const k of keys) expect(await c[0]!.set(k, `v-${k}`)).to.equal('OK');
    for (const k of keys) expect(await c[1]!.get(k)).to.equal(`v-${k}`);

    const strict = cluster.client(0);
    expect(await strict.call('QUORUM', '3', '3')).to.equal('OK');
    expect((await errorOf(strict.set('down:strict', 'x'))).message).to.match(/^NOQUORUM/);
    expect((await errorOf(strict.get('down:0'))).message).to.match(/^NOQUORUM/);
    // the quorum is per connection: another connection to the same node still works
    expect(await c[0]!.get('down:0')).to.equal('v-down:0');
    // and RESET gives the connection the node's R and W again
    expect(await strict.call('RESET')).to.equal('RESET');
    expect(await strict.call('QUORUM')).to.deep.equal([3, 2, 2]);
    expect(await strict.set('down:reset', 'x')).to.equal('OK');
    expect(await strict.call('QUORUM', '3', '3')).to.equal('OK');

    await victim.start();
    await cluster.waitFormed(3);
    const restarted = cluster.client(2);
    const missing = (await Promise.all(keys.map((k) => replica(restarted, k)))).filter((r) => r.values.length === 0).length;
    const repairsBefore = await cluster.nodes[0]!.infoNumber('read_repairs');
    // the others must see it up again before they send it reads (and so repairs)
    await waitFor('node1 to see the restarted node as reachable', async () => (await cluster.nodes[0]!.infoNumber('cluster_reachable_nodes')) === 3);
    await waitFor('read repair to bring every key to the restarted node', async () => {
      for (const k of keys) expect(await c[0]!.get(k)).to.equal(`v-${k}`);
      const rs = await Promise.all(keys.map((k) => replica(restarted, k)));
      return rs.every((r, i) => r.values.join() === `v-${keys[i]}`);
    }, 5000, 200);
    // without hinted handoff every key is missing on the restarted node, and read repair restores it
    if (missing > 0) expect(await cluster.nodes[0]!.infoNumber('read_repairs')).to.be.at.least(repairsBefore + missing);
    expect(await strict.set('down:strict', 'y')).to.equal('OK');
  });
});

describe('a cluster with a cluster-secret (real processes)', function () {
  this.timeout(30000);
  let cluster: ProcCluster;

  before(async () => {
    cluster = await ProcCluster.start(2, () => ({ secret: 's3cret' }));
    await cluster.waitFormed(2);
  });
  after(async () => {
    await cluster?.dispose();
  });

  it('refuses peers with a wrong or no secret and applies nothing they send', async () => {
    const [n1, n2] = cluster.nodes as [ProcNode, ProcNode];
    const wrong = await cluster.addNode('intruder1', [n1, n2], { secret: 'guess' });
    const none = await cluster.addNode('intruder2', [n1, n2]);
    await Promise.all([wrong.start(), none.start()]);
    await sleep(3000); // three gossip rounds
    expect(await n1.knownNodes()).to.equal(2);
    expect(await n2.knownNodes()).to.equal(2);
    expect(await wrong.knownNodes()).to.equal(1);
    // an intruder reaches none of its seeds, so it cannot gather W=2 and takes no write alone
    expect(await redisCli(wrong.port, ['SET', 'intruded', 'x'])).to.match(/^NOQUORUM /);
    expect(await redisCli(none.port, ['SET', 'intruded2', 'x'])).to.match(/^NOQUORUM /);
    await sleep(300);
    for (const n of [n1, n2]) {
      expect(await redisCli(n.port, ['--no-raw', 'DEBUG', 'REPLICA', 'intruded'])).to.match(/^1\) "[^"]*"\n$/);
      expect(await redisCli(n.port, ['GET', 'intruded2'])).to.equal('\n');
      // the handshake never completes: the intruder hangs up after checking the node's proof (it
      // gossips to one random seed a round, so give it rounds enough to have tried this node)
      await waitFor('the aborted handshake in the log', async () => /closed during handshake","msg":"inbound connection closed"/.test(n.log()), 10_000);
    }
    // the intruders log the refusal (they check the nodes' proof first and give up)
    expect(wrong.log()).to.match(/"peer":"node[12]"[^\n]*failed to prove the cluster secret/);
    expect(none.log()).to.match(/"peer":"node[12]"[^\n]*failed to prove the cluster secret/);
  });

  it('logs, naming the peer, a handshake whose proof of the secret is wrong', async () => {
    const n1 = cluster.nodes[0]!;
    const peer = await RawPeer.connect(n1.clusterPort);
    // unlike a quorumkv node, this peer sends its proof without checking the node's
    expect(await peer.handshake('guess', 'raw-intruder')).to.equal(false);
    await waitFor('the refusal in the log', async () => /"peer":"raw-intruder"[^\n]*failed to prove the cluster secret/.test(n1.log()), 2000);
    peer.destroy();
  });

  // A quorumkv node with a wrong or no secret checks the node's proof first and hangs up; the node
  // logs that, naming the peer.
  it('logs, naming the peer, a quorumkv node with a wrong secret that tried to join', async () => {
    for (const n of cluster.nodes.slice(0, 2)) {
      await waitFor('the intruder named in the log', async () => /"peer":"intruder1"[^\n]*(secret|AUTH_FAILED)/.test(n.log()), 10_000);
    }
  });

  it('closes a raw connection that sends a well-formed frame without the handshake, and ignores the frame', async () => {
    const n1 = cluster.nodes[0]!;
    const peer = await RawPeer.connect(n1.clusterPort);
    const ghost = {
      id: 'ghost', address: '127.0.0.1:1', respHost: '127.0.0.1', respPort: 1, zone: 'default', weight: 1,
      status: 'normal' as const, generation: Date.now(), version: 1,
    };
    peer.sendFrame(MessageType.GOSSIP, FrameKind.REQUEST, 1, encodeMembers([ghost]));
    const timeout = sleep(3000).then(() => 'timeout');
    expect(await Promise.race([peer.closed.then(() => 'closed'), timeout])).to.equal('closed');
    const answered = await peer.nextFrame();
    expect(answered?.type ?? null, 'no GOSSIP reply').to.not.equal(MessageType.GOSSIP);
    expect(await n1.knownNodes()).to.equal(2);
    expect(await redisCli(n1.port, ['CLUSTER', 'NODES'])).to.not.contain('ghost');
    peer.destroy();
  });
});

/** conf/*.conf copied to a temp dir with free ports and data under the temp dir */
async function tempConf(): Promise<{ dir: string; ports: number[] }> {
  const dir = tempDir('qkv-local-');
  fs.mkdirSync(path.join(dir, 'conf'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const cports = [await freePort(), await freePort(), await freePort()];
  const seeds = cports.map((p) => `127.0.0.1:${p}`).join(' ');
  for (const i of [0, 1, 2]) {
    const name = `node${i + 1}`;
    const text = fs.readFileSync(path.join(ROOT, 'conf', `${name}.conf`), 'utf8')
      .replace(/^port .*$/m, `port ${ports[i]}`)
      .replace(/^cluster-port .*$/m, `cluster-port ${cports[i]}`)
      .replace(/^dir .*$/m, `dir ${path.join(dir, 'data', name)}`)
      .replace(/^seeds .*$/m, `seeds ${seeds}`);
    fs.writeFileSync(path.join(dir, 'conf', `${name}.conf`), text);
  }
  return { dir, ports };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (bin/local-cluster)', function () {
  this.timeout(30000);
  let child: ChildProcess | null = null;
  let tmp = '';
  const pids: number[] = [];

  afterEach(() => {
    child?.kill('SIGKILL');
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** bin/local-cluster itself, or through `npm start` as the README says (signals then go to npm) */
  function launch(confDir: string, viaNpm = false): { out: () => string; exited: Promise<number | null> } {
    let out = '';
    child = viaNpm
      ? spawn('npm', ['start', '--silent', '--', '--conf-dir', confDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [path.join(ROOT, 'bin', 'local-cluster'), '--conf-dir', confDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    return { out: () => out, exited };
  }

  async function whenReady(run: { out: () => string }): Promise<void> {
    await waitFor('the cluster ready line', async () => /cluster ready/.test(run.out()), 20000);
    for (const m of run.out().matchAll(/node\d \(pid (\d+)/g)) pids.push(Number(m[1]));
    // under npm, what it runs too (bin/local-cluster), so a failed test leaves nothing behind
    const children = `/proc/${child!.pid}/task/${child!.pid}/children`;
    if (fs.existsSync(children)) for (const p of fs.readFileSync(children, 'utf8').trim().split(/\s+/).filter(Boolean)) pids.push(Number(p));
  }

  it('starts three nodes that form a cluster, prefixes their logs, and stops them all on SIGINT to npm', async () => {
    const conf = await tempConf();
    tmp = conf.dir;
    const run = launch(path.join(conf.dir, 'conf'), true);
    await whenReady(run);
    expect(pids).to.have.length(4); // three nodes and bin/local-cluster
    expect(run.out()).to.contain(`redis-cli -p ${conf.ports[0]}`).and.to.contain(`redis-cli -c -p ${conf.ports[0]}`);
    expect(run.out()).to.match(/^node2 +\| \{.*"msg":"ready to accept connections"/m);
    expect(await redisCli(conf.ports[0]!, ['SET', 'via-npm-start', 'x'])).to.equal('OK\n');
    expect(await redisCli(conf.ports[2]!, ['GET', 'via-npm-start'])).to.equal('x\n');
    expect(fs.existsSync(path.join(conf.dir, 'data', 'node3'))).to.equal(true);
    child!.kill('SIGINT');
    expect(await run.exited).to.equal(0);
    expect(pids.filter(isAlive)).to.deep.equal([]);
    expect(run.out()).to.contain('all nodes stopped');
  });

  it('stops the other nodes and exits non-zero when one node dies', async () => {
    const conf = await tempConf();
    tmp = conf.dir;
    const run = launch(path.join(conf.dir, 'conf'));
    await whenReady(run);
    process.kill(pids[1]!, 'SIGKILL');
    expect(await run.exited).to.equal(1);
    expect(run.out()).to.match(/node2 exited unexpectedly \(signal SIGKILL\)/);
    expect(pids.filter(isAlive)).to.deep.equal([]);
  });
});
