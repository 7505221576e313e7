/**
 * Values past 64 MB on three real processes: they replicate (the peer protocol's frames carry up
 * to 1 GiB) and read through any node. At a 64 MiB frame limit such a SET answered NOQUORUM and
 * a read of it through another node killed the replica answering. A replica takes seconds over
 * a value that large, so these nodes wait longer than the default request-timeout.
 */
import { expect } from 'chai';
import { ProcCluster } from './cluster-harness-procs';

describe('values past 64 MB on a cluster of three real processes', function () {
  this.timeout(90000);
  let cluster: ProcCluster;
  before(async () => {
    cluster = await ProcCluster.start(3, () => ({ args: ['--request-timeout', '20000'] }));
    await cluster.waitFormed(3);
  });
  after(async () => {
    await cluster?.dispose();
  });

  it('a 70 MB SET is acknowledged by W=2 replicas and reads back through every node', async () => {
    const size = 70 * 1024 * 1024;
    const value = Buffer.alloc(size, 'b');
    value.write('head', 0);
    value.write('tail', size - 4);
    const writer = cluster.client(0);
    expect(await writer.set('big', value)).to.equal('OK');
    for (const i of [1, 2, 0]) {
      const got = await cluster.client(i).getBuffer('big');
      expect(got?.length, `through node ${i}`).to.equal(size);
      expect(got!.equals(value), `through node ${i}`).to.equal(true);
    }
    for (const i of [0, 1, 2]) expect(cluster.nodes[i]!.proc.child, `node ${i} alive`).to.not.equal(null);
  });
});
