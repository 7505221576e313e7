/**
 * Nodes that cannot be in one cluster together, real processes:
 * - `replicas` and `vnodes-per-weight` decide where a key's replicas are, so every node of a
 *   cluster must use the same. A node started with others (a new one, or a member restarted with
 *   a changed config file) exits with status 1 naming both settings, before it takes a write, and
 *   never enters the cluster's view.
 * - A second process started with a member's `node-id` exits with status 1, and the member keeps
 *   its place in every view (before, the newcomer's entry replaced it silently everywhere).
 */
import { expect } from 'chai';
import { formedCluster, ProcNode, waitFor } from './cluster-harness-procs';
import { freePort, redisCli, tempDir } from './harness';

/** starts a node expected to exit soon after start-up: whether PING answered first or not */
async function startDoomed(node: ProcNode): Promise<void> {
  await node.start().catch(() => undefined);
  await waitFor(`${node.name} to exit`, async () => !node.running, 20000);
}

describe('nodes that conflict with their cluster (real processes)', function () {
  this.timeout(90000);
  const cluster = formedCluster(3);

  const seeds = () => cluster().nodes.slice(0, 3).map((n) => `127.0.0.1:${n.clusterPort}`);

  it('a new node with another replicas exits 1 and never enters the ring', async () => {
    const ring = await redisCli(cluster().nodes[0]!.port, ['INFO', 'cluster']).then((t) => /ring_checksum:(\S+)/.exec(t)![1]);
    const wrong = new ProcNode('node4', await freePort(), await freePort(), tempDir('qkv-place-'), seeds(),
      { args: ['--replicas', '5', '--read-quorum', '2', '--write-quorum', '2'] });
    cluster().nodes.push(wrong); // disposed with the cluster
    await startDoomed(wrong);
    expect(wrong.log()).to.match(/exited code=1 /);
    expect(wrong.log()).to.match(/quorumkv-server: peer node\d \(127\.0\.0\.1:\d+\) runs with replicas 3, vnodes-per-weight 64, this node with replicas 5, vnodes-per-weight 64: every node of a cluster must use the same/);
    let conflicts = 0;
    for (const n of cluster().nodes.slice(0, 3)) {
      const info = await redisCli(n.port, ['INFO', 'cluster']);
      expect(info, n.name).to.include(`ring_checksum:${ring}`);
      expect(await n.knownNodes(), n.name).to.equal(3);
      expect(await redisCli(n.port, ['CLUSTER', 'NODES']), n.name).to.not.include('node4');
      conflicts += await n.infoNumber('placement_conflict_peers');
    }
    expect(conflicts, 'nodes reporting the conflict in INFO cluster').to.be.at.least(1);
  });

  it('a member restarted with another vnodes-per-weight exits 1; restarted as before, it serves again', async () => {
    const node3 = cluster().nodes[2]!;
    await node3.proc.stop();
    const changed = new ProcNode('node3', node3.port, node3.clusterPort, node3.dir, seeds(), { args: ['--vnodes-per-weight', '128'] });
    await startDoomed(changed);
    expect(changed.log()).to.match(/runs with replicas 3, vnodes-per-weight 64, this node with replicas 3, vnodes-per-weight 128/);
    await node3.start();
    await cluster().waitFormed(3, cluster().nodes.slice(0, 3), 20000);
    const c = cluster().client(2);
    expect(await c.set('placement:after', 'ok')).to.equal('OK');
    expect(await cluster().client(0).get('placement:after')).to.equal('ok');
  });

  it("a second process with a member's node-id exits 1, and the member keeps its place", async () => {
    const node2 = cluster().nodes[1]!;
    const dup = new ProcNode('node2', await freePort(), await freePort(), tempDir('qkv-dup-'), seeds(), {});
    cluster().nodes.push(dup);
    await startDoomed(dup);
    expect(dup.log()).to.match(/exited code=1 /);
    expect(dup.log()).to.include(`quorumkv-server: node-id node2 is already used by a member at 127.0.0.1:${node2.clusterPort}`);
    // every node lists node2 at its own address again, as a connected master
    await waitFor('node2 back at its address on every node', async () => {
      for (const n of cluster().nodes.slice(0, 3)) {
        const line = (await redisCli(n.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.startsWith('node2 '));
        if (line === undefined || !line.includes(`127.0.0.1:${node2.port}@`) || !/ connected/.test(line)) return false;
      }
      return true;
    }, 15000, 250);
    expect(node2.log()).to.match(/another process announces node-id node2/);
    const c = cluster().client(1);
    expect(await c.set('dup:after', 'ok')).to.equal('OK');
    expect(await cluster().client(0).get('dup:after')).to.equal('ok');
  });
});
