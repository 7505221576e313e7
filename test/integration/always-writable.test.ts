/**
 * "Always writable" with real processes: 5 nodes, N=3 R=2 W=2, request-timeout 500. Two nodes are
 * frozen with SIGSTOP (sockets stay open, nothing answers) and writes go through the three live
 * nodes at once, without a grace period: every one must succeed (the coordinator suspects a hop or
 * replica that does not answer within request-timeout and moves on, leaving hints). After SIGCONT
 * every key must be back on its 3 preference-list nodes by hinted handoff alone: anti-entropy is
 * off (`--anti-entropy-interval 0`) and the test never reads through a quorum (only DEBUG REPLICA,
 * one node's own copy, which repairs nothing). Latency figures are printed, not asserted.
 */
import { expect } from 'chai';
import Redis from 'ioredis';
import { keySlot } from '../../lib/ring';
import { ProcCluster, type ProcNode, waitFor } from './cluster-harness-procs';

const WARMUP = 50;
const KEYS = 300;
const IN_FLIGHT = 10;
const SLOW_MS = 200;
/** 0-based: node2 and node4 are frozen; node1, node3, node5 take the writes */
const STOPPED = [1, 3];
const LIVE = [0, 2, 4];

/** like fastClient, but a command may wait (the first writes after the freeze wait for timeouts) */
function patientClient(port: number): Redis {
  const c = new Redis({
    host: '127.0.0.1', port, enableReadyCheck: false, maxRetriesPerRequest: 0,
    retryStrategy: () => null, enableOfflineQueue: true, commandTimeout: 10_000,
  });
  c.on('error', () => undefined);
  return c;
}

/** CLUSTER SLOTS → for each slot, the ids of its nodes (the preference list while all are up) */
async function slotOwners(c: Redis): Promise<string[][]> {
  const owners: string[][] = new Array<string[]>(16384);
  const ranges = (await c.call('CLUSTER', 'SLOTS')) as Array<[number, number, ...Array<[string, number, string]>]>;
  for (const [start, end, ...nodes] of ranges) {
    for (let s = start; s <= end; s++) owners[s] = nodes.map((n) => n[2]);
  }
  return owners;
}

/** DEBUG REPLICA: the node's own values of the key (no quorum, no repair) */
async function held(c: Redis, key: string): Promise<string[]> {
  return ((await c.call('DEBUG', 'REPLICA', key)) as string[]).slice(1);
}

interface HandoffInfo { readonly pending: number; readonly perTarget: string; readonly delivered: number; readonly dropped: number; readonly released: number }

/** the INFO handoff section */
async function handoffInfo(c: Redis): Promise<HandoffInfo> {
  const info = await c.info('handoff');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:(.*?)\\r?$`, 'm').exec(info);
    if (!m) throw new Error(`no ${name} in INFO handoff:\n${info}`);
    return m[1]!;
  };
  return {
    pending: Number(field('hints_pending')), perTarget: field('hints_per_target'),
    delivered: Number(field('hints_delivered')), dropped: Number(field('hints_dropped')),
    released: Number(field('hints_released')),
  };
}

const hintsPending = async (c: Redis) => (await handoffInfo(c)).pending;

interface Timed { readonly start: number; readonly end: number }

describe('integration: always writable with 2 of 5 nodes frozen (real processes)', function () {
  this.timeout(120_000);
  let cluster: ProcCluster | null = null;
  let clients: Redis[] = [];

  afterEach(async () => {
    for (const i of STOPPED) cluster?.nodes[i]?.proc.child?.kill('SIGCONT');
    for (const c of clients.splice(0)) c.disconnect();
    await cluster?.dispose();
    cluster = null;
  });

  it('takes every write through a live node while 2 nodes are SIGSTOPped, and handoff alone restores 3 replicas', async () => {
    cluster = await ProcCluster.start(5, () => ({ args: ['--anti-entropy-interval', '0'] }));
    const c = cluster;
    await c.waitFormed(5);
    clients = c.nodes.map((n) => patientClient(n.port));
    await waitFor('every node to see all 5 reachable', async () => {
      for (const n of c.nodes) if ((await n.infoNumber('cluster_reachable_nodes')) !== 5) return false;
      return true;
    }, 15_000, 200);

    for (let i = 0; i < WARMUP; i++) expect(await clients[i % 5]!.set(`warm:${i}`, `w-${i}`)).to.equal('OK');
    const owners = await slotOwners(clients[0]!);
    const key = (i: number) => `aw:${i}`;
    const value = (i: number) => `value-${i}`;
    const prefOf = (i: number) => owners[keySlot(key(i))]!;
    for (let i = 0; i < KEYS; i++) expect(prefOf(i), `preference list of ${key(i)}`).to.have.length(3);

    // freeze two nodes, then write at once
    for (const i of STOPPED) c.nodes[i]!.proc.child!.kill('SIGSTOP');
    const t0 = performance.now();
    const errors: string[] = [];
    const times: Timed[] = [];
    let next = 0;
    const worker = async () => {
      while (next < KEYS) {
        const i = next++;
        const via = LIVE[i % LIVE.length]!;
        const start = performance.now();
        try {
          const r = await clients[via]!.set(key(i), value(i));
          if (r !== 'OK') errors.push(`${key(i)} via ${c.nodes[via]!.name}: reply ${String(r)}`);
        } catch (err) {
          errors.push(`${key(i)} via ${c.nodes[via]!.name} after ${Math.round(performance.now() - start)} ms: ${(err as Error).message}`);
        }
        times.push({ start: start - t0, end: performance.now() - t0 });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const writesMs = performance.now() - t0;

    const slow = times.filter((t) => t.end - t.start > SLOW_MS);
    const slowest = Math.max(...times.map((t) => t.end - t.start));
    const fastAgain = slow.length === 0 ? 0 : Math.max(...slow.map((t) => t.end));
    process.stdout.write(`      always-writable: ${KEYS} writes in ${Math.round(writesMs)} ms, slowest ${Math.round(slowest)} ms, ` +
      `${slow.length} over ${SLOW_MS} ms, fast again ${Math.round(fastAgain)} ms after SIGSTOP, ${errors.length} errors\n`);
    expect(errors, `failed writes:\n${errors.join('\n')}`).to.deep.equal([]);

    // the live nodes hold hints for the frozen ones, and only for them
    const frozen = await Promise.all(LIVE.map((i) => handoffInfo(clients[i]!)));
    const hintsMade = frozen.reduce((n, h) => n + h.pending, 0);
    const targets = frozen.flatMap((h) => (h.perTarget === '' ? [] : h.perTarget.split(',').map((t) => t.split('=')[0]!)));
    expect(hintsMade, 'hints held by the live nodes while 2 are frozen').to.be.greaterThan(0);
    expect([...new Set(targets)].sort(), 'hint targets').to.deep.equal(STOPPED.map((i) => c.nodes[i]!.name));

    // resume; from now on only DEBUG REPLICA and INFO
    for (const i of STOPPED) c.nodes[i]!.proc.child!.kill('SIGCONT');
    const t1 = performance.now();
    const byId = new Map(c.nodes.map((n, idx) => [n.name, idx]));
    let missing = Array.from({ length: KEYS }, (_, i) => i);
    let missingDetail: string[] = [];
    try {
      await waitFor('every key on its 3 preference-list nodes', async () => {
        const still: number[] = [];
        const detail: string[] = [];
        await Promise.all(missing.map(async (i) => {
          const lacking: string[] = [];
          for (const id of prefOf(i)) {
            const vals = await held(clients[byId.get(id)!]!, key(i));
            if (vals.length !== 1 || vals[0] !== value(i)) lacking.push(`${id}=${JSON.stringify(vals)}`);
          }
          if (lacking.length > 0) {
            still.push(i);
            detail.push(`${key(i)} [${prefOf(i).join(',')}]: ${lacking.join(' ')}`);
          }
        }));
        missing = still;
        missingDetail = detail;
        return still.length === 0;
      }, 30_000, 250);
    } catch (err) {
      const nodeHints = await Promise.all(clients.map(async (cl, idx) => `${c.nodes[idx]!.name}:${await hintsPending(cl)}`));
      throw new Error(`${(err as Error).message}; ${missing.length} keys not restored, hints_pending ${nodeHints.join(' ')}\n` +
        missingDetail.slice(0, 20).join('\n'));
    }
    const restoredMs = performance.now() - t1;

    // every key on at least 3 nodes; each resumed node holds every key whose preference list names it
    const resumed = STOPPED.map((i) => c.nodes[i]!);
    for (let i = 0; i < KEYS; i++) {
      const holders = await Promise.all(clients.map(async (cl) => (await held(cl, key(i))).includes(value(i))));
      expect(holders.filter(Boolean).length, `holders of ${key(i)}`).to.be.at.least(3);
      for (const n of resumed as ProcNode[]) {
        if (prefOf(i).includes(n.name)) expect(holders[byId.get(n.name)!], `${key(i)} on ${n.name}`).to.equal(true);
      }
    }
    await waitFor('hints_pending:0 on every node', async () => {
      for (const cl of clients) if ((await hintsPending(cl)) !== 0) return false;
      return true;
    }, 10_000, 200);
    const after = await Promise.all(clients.map((cl) => handoffInfo(cl)));
    const delivered = after.reduce((n, h) => n + h.delivered, 0);
    expect(after.reduce((n, h) => n + h.dropped, 0), 'hints dropped').to.equal(0);
    expect(delivered, 'hints delivered').to.be.at.least(hintsMade);
    // fallbacks that only stood in (took replica writes, coordinated none) let their copies go
    let released = 0;
    await waitFor('fallback copies released', async () => {
      released = (await Promise.all(clients.map((cl) => handoffInfo(cl)))).reduce((n, h) => n + h.released, 0);
      return released > 0;
    }, 10_000, 200);
    let kept = 0;
    for (let i = 0; i < KEYS; i++) {
      for (const [idx, cl] of clients.entries()) {
        if (!prefOf(i).includes(c.nodes[idx]!.name) && (await held(cl, key(i))).length > 0) kept++;
      }
    }
    process.stdout.write(`      always-writable: ${hintsMade} hints (${frozen.map((h) => h.perTarget || '-').join(' ')}), ${delivered} delivered; ` +
      `every key back on its 3 replicas ${Math.round(restoredMs)} ms after SIGCONT; ${released} fallback copies released, ` +
      `${kept} kept outside their preference lists\n`);
  });
});
