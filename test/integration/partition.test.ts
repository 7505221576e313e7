/**
 * A network partition between real processes: 3 nodes, N=3 R=2 W=2, request-timeout 500, a
 * PeerProxy in front of each cluster port (announced with cluster-announce-bus-port; each node
 * connects from its own loopback address, bind-source-addr). The cut-off node keeps serving its
 * clients: at W=2 it answers NOQUORUM naming the replicas that timed out, while the other side
 * writes; at QUORUM 1 1 both sides write, and the two writes made with one context are both kept,
 * as siblings, once the partition heals.
 */
import { expect } from 'chai';
import type Redis from 'ioredis';
import { ProcCluster, sleep, waitFor } from './cluster-harness-procs';

/** VGET → [context, ...values] */
async function vget(c: Redis, key: string): Promise<{ context: string; values: string[] }> {
  const [context, ...values] = (await c.call('VGET', key)) as string[];
  return { context: context!, values: values.sort() };
}


describe('a network partition between real processes (3 nodes, peer proxies)', function () {
  this.timeout(60_000);
  let cluster: ProcCluster;

  before(async () => {
    cluster = await ProcCluster.start(3, () => ({ args: ['--anti-entropy-interval', '0'] }), 'proxied');
    await cluster.waitFormed();
  });

  after(async () => {
    await cluster.dispose();
  });

  it('announces the proxy as the cluster bus address (CLUSTER NODES) and forms through it', async () => {
    const nodes = (await cluster.client(1).call('CLUSTER', 'NODES')) as string;
    const self = nodes.split('\n').find((l) => l.includes('myself'))!;
    expect(cluster.busPort(1)).not.to.equal(cluster.nodes[1]!.clusterPort);
    expect(self).to.contain(` 127.0.0.1:${cluster.nodes[1]!.port}@${cluster.busPort(1)} `);
  });

  it('the cut-off side answers NOQUORUM at W=2 while the majority writes; both write again after the heal', async () => {
    const alone = cluster.client(0);
    const majority = cluster.client(2);
    expect(await alone.set('p:before', 'x')).to.equal('OK');
    cluster.partition([[0], [1, 2]]);
    try {
      const err = await alone.set('p:during', 'lonely').then(() => null, (e: Error) => e);
      expect(err?.message).to.match(/^NOQUORUM .*TIMEOUT/);
      expect(await majority.set('p:during', 'majority')).to.equal('OK');
      await waitFor('node1 to see its peers as unreachable', async () => (await cluster.nodes[0]!.infoNumber('cluster_reachable_nodes')) === 1);
    } finally {
      cluster.heal();
    }
    await waitFor('node1 to reach its peers again', async () => (await cluster.nodes[0]!.infoNumber('cluster_reachable_nodes')) === 3, 10_000);
    expect(await alone.set('p:after', 'y')).to.equal('OK');
    expect(await alone.get('p:during')).to.be.oneOf(['majority', 'lonely']);
  });

  it('at QUORUM 1 1 both sides of a 2|1 split take writes, and two writes made with one context are both kept as siblings', async () => {
    const left = cluster.client(0);
    const right = cluster.client(2);
    expect(await left.set('p:split', 'base')).to.equal('OK');
    const { context } = await vget(left, 'p:split');
    for (const c of [left, right]) await c.call('QUORUM', '1', '1');
    cluster.partition([[0, 1], [2]]);
    try {
      expect(await left.call('VSET', 'p:split', context, 'left')).to.equal('OK');
      expect(await right.call('VSET', 'p:split', context, 'right')).to.equal('OK');
      // across the cut nothing replicates: node3 holds its own write, node1 and node2 theirs
      await sleep(300);
      expect(((await right.call('DEBUG', 'REPLICA', 'p:split')) as string[]).slice(1)).to.deep.equal(['right']);
      expect(((await cluster.client(1).call('DEBUG', 'REPLICA', 'p:split')) as string[]).slice(1)).to.deep.equal(['left']);
    } finally {
      cluster.heal();
    }
    for (const c of [left, right]) await c.call('QUORUM', '3', '3');
    await waitFor('every node to hold both siblings', async () => {
      const seen = await Promise.all([0, 1, 2].map(async (i) => (await vget(cluster.client(i), 'p:split')).values.join(',')));
      return seen.every((v) => v === 'left,right');
    }, 15_000, 300);
  });
});
