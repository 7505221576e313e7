/**
 * Replica sync with real processes (issue: "with hinted-handoff no and no client reads, a replica
 * stopped during 200 writes and 50 deletes is brought fully up to date by anti-entropy alone
 * within a minute of resuming; deleted keys stay deleted through further rounds, restarts and
 * reads everywhere"). The replica is killed (-9) for the writes and restarted after them; only
 * DEBUG REPLICA (one node's own copy, no quorum, no repair) is read until the end, then plain
 * GETs through every node.
 */
import { expect } from 'chai';
import { ProcCluster, waitFor } from './cluster-harness-procs';

const KEYS = 200;
const DELETED = 50;

/** a node's own copy of the key: its values, and whether it holds any version at all */
async function replicaOf(c: ProcCluster, node: number, key: string): Promise<{ values: string[]; known: boolean }> {
  const reply = (await c.client(node).call('DEBUG', 'REPLICA', key)) as string[];
  return { values: reply.slice(1), known: reply[0] !== '' };
}

describe('integration: anti-entropy brings a stopped replica up to date (real processes)', function () {
  this.timeout(120_000);
  let cluster: ProcCluster | null = null;

  afterEach(async () => {
    await cluster?.dispose();
    cluster = null;
  });

  it('a replica down during 200 writes and 50 deletes catches up with no hints and no reads, and deletes stay deleted', async () => {
    cluster = await ProcCluster.start(3, () => ({ args: ['--hinted-handoff', 'no', '--anti-entropy-interval', '1000'] }));
    const c = cluster;
    await c.waitFormed(3);
    const stopped = c.nodes[2]!;
    const writer = c.client(0);
    for (let i = 0; i < KEYS; i++) await writer.set(`ae:${i}`, 'old');
    // stopped for good (kill -9), not paused: a paused process would find the writes queued in
    // its sockets on SIGCONT, and anti-entropy would have nothing to do
    await stopped.kill9();
    for (let i = 0; i < KEYS; i++) await writer.set(`ae:${i}`, `v${i}`);
    for (let i = 0; i < DELETED; i++) expect(await writer.del(`ae:${i}`)).to.equal(1);
    await stopped.start();
    const resumed = Date.now();

    const upToDate = async (): Promise<boolean> => {
      for (let i = 0; i < KEYS; i++) {
        const r = await replicaOf(c, 2, `ae:${i}`);
        if (i < DELETED ? r.values.length > 0 || !r.known : r.values.join() !== `v${i}`) return false;
      }
      return true;
    };
    await waitFor('node3 to hold every write and delete', upToDate, 60_000, 1000);
    const took = Date.now() - resumed;
    const moved = async (n: number, field: string): Promise<number> =>
      Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(await c.client(n).info('antientropy'))?.[1] ?? 0);
    const repaired = (await moved(2, 'antientropy_keys_pulled')) + (await moved(0, 'antientropy_keys_pushed')) + (await moved(1, 'antientropy_keys_pushed'));
    expect(repaired, 'keys anti-entropy repaired into node3').to.be.at.least(KEYS);
    process.stdout.write(`      anti-entropy: node3 up to date ${took} ms after its restart (${repaired} keys repaired by exchanges)\n`);

    // restarted from its own data, and a few more rounds: nothing deleted comes back anywhere
    await stopped.kill9();
    await stopped.start();
    await c.waitFormed(3);
    await new Promise((r) => setTimeout(r, 3000));
    for (let n = 0; n < 3; n++) {
      for (let i = 0; i < KEYS; i++) {
        const r = await replicaOf(c, n, `ae:${i}`);
        expect(r.values, `ae:${i} on node${n + 1}`).to.deep.equal(i < DELETED ? [] : [`v${i}`]);
      }
    }
    for (let n = 0; n < 3; n++) {
      for (let i = 0; i < DELETED; i++) expect(await c.client(n).get(`ae:${i}`), `GET ae:${i} through node${n + 1}`).to.equal(null);
      expect(await c.client(n).get(`ae:${KEYS - 1}`)).to.equal(`v${KEYS - 1}`);
    }
  });
});
