/**
 * What fallbacks keep after an outage, with real processes: 5 nodes, N=3, two frozen with SIGSTOP
 * while clients write through the other three. After SIGCONT and handoff, a fallback that only
 * stood in lets its copy go (INFO handoff hints_released); one that coordinated a write keeps
 * it. When the keys are then deleted, tombstone GC (a 1 s grace here) hands the delete to those
 * leftover copies, which no replica exchange reaches, and reaps every record of every key on
 * every node: DEBUG REPLICA shows an empty context everywhere, and KEYS and DBSIZE show nothing.
 */
import { expect } from 'chai';
import type Redis from 'ioredis';
import { keySlot } from '../../lib/ring';
import { ProcCluster, waitFor } from './cluster-harness-procs';
import { slotsOf } from './cluster-harness';

const KEYS = 120;
const STOPPED = [1, 3];
const LIVE = [0, 2, 4];

/** DEBUG REPLICA: [context, values...] of the node's own record */
async function replica(c: Redis, key: string): Promise<{ context: string; values: string[] }> {
  const [context, ...values] = (await c.call('DEBUG', 'REPLICA', key)) as string[];
  return { context: context!, values };
}

async function infoField(c: Redis, section: string, field: string): Promise<number> {
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(await c.info(section))?.[1] ?? NaN);
}

describe('integration: fallback copies after an outage (real processes)', function () {
  this.timeout(120_000);
  let cluster: ProcCluster | null = null;

  afterEach(async () => {
    for (const i of STOPPED) cluster?.nodes[i]?.proc.child?.kill('SIGCONT');
    await cluster?.dispose();
    cluster = null;
  });

  it('a fallback that stood in lets its copy go; copies a fallback coordinated go with the key when it is deleted', async () => {
    const args = ['--anti-entropy-interval', '200', '--tombstone-grace', '1000', '--request-timeout', '500'];
    cluster = await ProcCluster.start(5, () => ({ args }));
    const c = cluster;
    await c.waitFormed(5);
    await waitFor('every node to see all 5 reachable', async () => {
      for (const n of c.nodes) if ((await n.infoNumber('cluster_reachable_nodes')) !== 5) return false;
      return true;
    }, 15_000, 200);
    const clients = c.nodes.map((_, i) => c.client(i));
    const slots = slotsOf(await clients[0]!.call('CLUSTER', 'SLOTS'));
    const homes = (key: string) => {
      const s = keySlot(Buffer.from(key));
      return new Set(slots.find((r) => r.start <= s && s <= r.end)!.nodes.map((n) => n.id));
    };
    const key = (i: number) => `left:${i}`;

    for (const i of STOPPED) c.nodes[i]!.proc.child!.kill('SIGSTOP');
    const writes = Array.from({ length: KEYS }, (_, i) => clients[LIVE[i % LIVE.length]!]!.set(key(i), `v${i}`));
    expect(await Promise.all(writes)).to.deep.equal(Array.from({ length: KEYS }, () => 'OK'));
    for (const i of STOPPED) c.nodes[i]!.proc.child!.kill('SIGCONT');

    await waitFor('hints delivered on every node', async () => {
      for (const cl of clients) if ((await infoField(cl, 'handoff', 'hints_pending')) !== 0) return false;
      return true;
    }, 30_000, 250);
    let released = 0;
    await waitFor('fallback copies released', async () => {
      released = 0;
      for (const cl of clients) released += await infoField(cl, 'handoff', 'hints_released');
      return released > 0;
    }, 10_000, 200);
    let kept = 0;
    for (let i = 0; i < KEYS; i++) {
      const home = homes(key(i));
      for (const [j, n] of c.nodes.entries()) {
        const r = await replica(clients[j]!, key(i));
        if (home.has(n.name)) expect(r.values, `${key(i)} on its home ${n.name}`).to.deep.equal([`v${i}`]);
        else if (r.values.length > 0) kept++;
      }
    }

    for (let i = 0; i < KEYS; i++) expect(await clients[0]!.del(key(i))).to.equal(1);
    await waitFor('every record of every key reaped on every node', async () => {
      for (let i = 0; i < KEYS; i++) for (const cl of clients) if ((await replica(cl, key(i))).context !== '') return false;
      return true;
    }, 40_000, 500);
    let sent = 0;
    for (const cl of clients) sent += await infoField(cl, 'antientropy', 'tombstones_sent');
    if (kept > 0) expect(sent, 'deletes the GC checks handed to leftover copies').to.be.greaterThan(0);
    expect(await clients[0]!.keys('left:*')).to.deep.equal([]);
    expect(await clients[2]!.dbsize()).to.equal(0);
    process.stdout.write(`      leftovers: ${KEYS} writes with 2 of 5 frozen; ${released} fallback copies released after handoff, ${kept} kept ` +
      `(coordinated there); after DEL, ${sent} deletes handed over by the GC and every record reaped\n`);
  });
});
