/**
 * Counters on three real quorumkv-server processes (N=3 R=2 W=2): concurrent INCRs through
 * different nodes all count, and so do increments taken with QUORUM 1 1 while the nodes are
 * stopped one after another. Runs after `tsc` (bin/ loads dist/).
 */
import { expect } from 'chai';
import type Redis from 'ioredis';
import { ProcCluster, waitFor } from './cluster-harness-procs';

describe('counters on a cluster of three real processes', function () {
  this.timeout(60000);
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

  it('4 clients × 250 INCRs through 3 different nodes, concurrently, end at exactly 1000', async () => {
    const clients = [0, 1, 2, 0].map((i) => cluster.client(i));
    const replies = await Promise.all(
      clients.map(async (client) => {
        const seen: number[] = [];
        for (let n = 0; n < 250; n++) seen.push(await client.incr('hits'));
        return seen;
      }),
    );
    for (const seen of replies) {
      expect(seen).to.have.length(250);
      // each client's own replies only grow: its increments are never taken back
      for (let n = 1; n < seen.length; n++) expect(seen[n]).to.be.greaterThan(seen[n - 1]!);
    }
    for (const client of c) expect(await client.get('hits')).to.equal('1000');
    // and so does every node's own replica once replication has caught up (R=1 reads)
    const local = [0, 1, 2].map((i) => cluster.client(i));
    for (const client of local) await client.call('QUORUM', '1', '1');
    await waitFor('every replica to hold 1000', async () => {
      const all = await Promise.all(local.map((client) => client.get('hits')));
      return all.every((v) => v === '1000');
    });
  });

  it('increments taken with QUORUM 1 1 while the nodes are stopped in turn all count', async () => {
    const conn = [...c];
    for (const client of conn) expect(await client.call('QUORUM', '1', '1')).to.equal('OK');
    let expected = 0;
    for (let down = 0; down < 3; down++) {
      await cluster.nodes[down]!.proc.stop();
      for (const up of [0, 1, 2].filter((i) => i !== down)) {
        for (let n = 0; n < 20; n++) {
          await conn[up]!.incrby('turns', up + 1);
          expected += up + 1;
        }
        await conn[up]!.decr('turns');
        expected -= 1;
      }
      await cluster.nodes[down]!.start();
      conn[down] = cluster.client(down);
      expect(await conn[down]!.call('QUORUM', '1', '1')).to.equal('OK');
    }
    // the restarted nodes need fresh connections, with the quorum that sees every replica
    const fresh = [0, 1, 2].map((i) => cluster.client(i));
    for (const client of fresh) await client.call('QUORUM', '3', '3');
    await waitFor('the cluster to read with R=3 again', async () => {
      const all = await Promise.all(fresh.map((client) => client.get('turns')));
      return all.every((v) => v === String(expected));
    }, 20000, 200);
    for (const client of fresh) expect(await client.get('turns')).to.equal(String(expected));
  });

  it('a SET replaces a counter with a string, and INCR restarts from the integer it holds', async () => {
    c = [0, 1, 2].map((i) => cluster.client(i));
    await c[0]!.incrby('mixed', 5);
    expect(await c[1]!.set('mixed', '100')).to.equal('OK');
    expect(await c[2]!.get('mixed')).to.equal('100');
    expect(await c[0]!.incr('mixed')).to.equal(101);
    expect(await c[1]!.set('mixed', 'text')).to.equal('OK');
    try {
      await c[2]!.incr('mixed');
      expect.fail('INCR on a non-integer string succeeded');
    } catch (err) {
      expect((err as Error).message).to.equal('ERR value is not an integer or out of range');
    }
  });

  it('concurrent INCRs through 3 nodes on a key SET to an integer count the integer once', async () => {
    c = [0, 1, 2].map((i) => cluster.client(i));
    for (let round = 0; round < 5; round++) {
      const key = `set-then-incr-${round}`;
      expect(await c[0]!.set(key, '100')).to.equal('OK');
      // wait until every replica holds the string, so each coordinator converts the same version
      const local = [0, 1, 2].map((i) => cluster.client(i));
      for (const client of local) await client.call('QUORUM', '1', '1');
      await waitFor('every replica to hold the string', async () => (await Promise.all(local.map((l) => l.get(key)))).every((v) => v === '100'));
      await Promise.all(c.map((client) => client.incr(key)));
      for (const client of c) expect(await client.get(key), `round ${round}`).to.equal('103');
    }
  });
});
