/**
 * A node whose seeds do not answer serves alone (always writable). Started again with the right
 * seeds, it meets the real cluster, which it never saw joining: it must join it, pulling the slots
 * the ring gives it, rather than enter the ring as `normal` with none of their data. Real
 * processes; anti-entropy off, so only the join can bring the data.
 */
import { expect } from 'chai';
import { ProcCluster, ProcNode, waitFor } from './cluster-harness-procs';
import { freePort, tempDir } from './harness';

describe('a node that started alone and then meets the cluster (real processes)', function () {
  this.timeout(90000);
  let cluster: ProcCluster;
  const noAe = { args: ['--anti-entropy-interval', '0'] };
  before(async () => {
    cluster = await ProcCluster.start(3, () => noAe);
    await cluster.waitFormed(3);
  });
  after(async () => {
    await cluster?.dispose();
  });

  it('joins the cluster and pulls its share instead of serving it empty', async () => {
    const c = cluster.client(0);
    const keys = Array.from({ length: 300 }, (_, i) => `lone:${i}`);
    for (const k of keys) expect(await c.set(k, `v-${k}`)).to.equal('OK');

    // first start: a seed nobody listens on; it serves alone
    const port = await freePort();
    const clusterPort = await freePort();
    const dir = tempDir('qkv-lone-');
    const dead = `127.0.0.1:${await freePort()}`;
    const alone = new ProcNode('node4', port, clusterPort, dir, [dead], noAe);
    cluster.nodes.push(alone); // disposed with the cluster
    await alone.start();
    await waitFor('node4 to serve alone', async () => /serving alone/.test(alone.log()), 15000);
    await waitFor('node4 to serve its slots', async () => /joined: serving its slots/.test(alone.log()), 15000);
    await alone.proc.stop();

    // started again with the right seeds, same data directory
    const fixed = new ProcNode('node4', port, clusterPort, dir, cluster.nodes.slice(0, 3).map((n) => `127.0.0.1:${n.clusterPort}`), noAe);
    cluster.nodes[3] = fixed;
    await fixed.start();
    await waitFor('node4 to meet the cluster and join it', async () => /has met a cluster/.test(fixed.log()), 20000);
    await cluster.waitFormed(4, cluster.nodes, 20000);
    await waitFor('node4 to serve again', async () => (fixed.log().match(/joined: serving its slots/g) ?? []).length >= 1, 30000);
    const local = cluster.client(3);
    let held = 0;
    await waitFor('node4 to hold its share', async () => {
      held = 0;
      for (const k of keys) if (((await local.call('DEBUG', 'REPLICA', k)) as string[]).length > 1) held++;
      return held >= 150; // N=3 of 4 nodes: about 225 of 300
    }, 30000, 500);
    expect(held).to.be.at.least(150);
  });
});
