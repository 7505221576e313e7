/**
 * Membership changes with real processes: a 4th node joins a 3-node cluster and receives its
 * share of the existing keys; `quorumkv leave` takes a node out: it hands its data over, the
 * remaining nodes hold every key (DEBUG REPLICA on each), and the leaving process exits 0.
 * `quorumkv forget` refuses a node that still answers and forgets one that was killed.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from './harness';
import { ProcCluster, waitFor } from './cluster-harness-procs';

const ADMIN_BIN = path.join(ROOT, 'bin', 'quorumkv');
const KEYS = 200;

function admin(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ADMIN_BIN, ...args], { timeout: 10000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('integration: join and leave with real processes', function () {
  this.timeout(90_000);
  let cluster: ProcCluster | null = null;

  afterEach(async () => {
    await cluster?.dispose();
    cluster = null;
  });

  it('a 4th node joins with its share of the keys; a node that leaves hands everything over and exits 0', async () => {
    cluster = await ProcCluster.start(3);
    const c = cluster;
    await c.waitFormed(3);
    const client = c.client(0);
    for (let i = 0; i < KEYS; i++) await client.set(`key:${i}`, `value-${i}`);

    const joiner = await c.addNode('node4', c.nodes.slice(0, 3));
    await joiner.start();
    await c.waitFormed(4, c.nodes, 20000);
    const j = c.client(3);
    const held = async (i: number) => ((await j.call('DEBUG', 'REPLICA', `key:${i}`)) as unknown[]).slice(1);
    let count = 0;
    for (let i = 0; i < KEYS; i++) if ((await held(i)).includes(`value-${i}`)) count++;
    // N=3 of 4 nodes: the joiner holds about three quarters of the keys
    expect(count, 'keys on the joiner').to.be.within(KEYS * 0.5, KEYS * 0.95);

    const members = await admin(['members', `127.0.0.1:${c.nodes[0]!.port}`]);
    expect(members.code, members.stderr).to.equal(0);
    expect(members.stdout).to.match(/node4\s+127\.0\.0\.1:\d+\s+default\s+1\s+normal\s+online/);

    const leaver = c.nodes[1]!;
    const leave = await admin(['leave', `127.0.0.1:${leaver.port}`]);
    expect(leave.code, leave.stderr).to.equal(0);
    expect(leave.stdout.trim()).to.equal('OK');
    await waitFor('the leaving node to exit', async () => !leaver.running, 30000, 200);
    expect(leaver.log()).to.include('exited code=0');
    const rest = [0, 2, 3];
    await c.waitFormed(3, rest.map((i) => c.nodes[i]!), 10000);
    // 3 nodes left, N=3: every remaining node must hold every key
    for (const n of rest) {
      const cl = c.client(n);
      for (let i = 0; i < KEYS; i++) {
        const rep = (await cl.call('DEBUG', 'REPLICA', `key:${i}`)) as unknown[];
        expect(rep.slice(1), `key:${i} on ${c.nodes[n]!.name}`).to.deep.equal([`value-${i}`]);
      }
    }
    const forget = await admin(['forget', `127.0.0.1:${c.nodes[0]!.port}`, 'node1']);
    expect(forget.code).to.equal(1);
    expect(forget.stderr).to.match(/can't forget myself/);

    // FORGET is for a node gone for good: one that answers is refused; killed, it is forgotten
    const live = await admin(['forget', `127.0.0.1:${c.nodes[0]!.port}`, 'node4']);
    expect(live.code).to.equal(1);
    expect(live.stderr).to.match(/node node4 still answers at 127\.0\.0\.1:\d+: CLUSTER LEAVE on it hands its data over; stop it first to forget it/);
    expect(await c.nodes[0]!.knownNodes()).to.equal(3);
    await c.nodes[3]!.kill9();
    const gone = await admin(['forget', `127.0.0.1:${c.nodes[0]!.port}`, 'node4']);
    expect(gone.code, gone.stderr).to.equal(0);
    await waitFor('node4 forgotten by the others', async () => (await c.nodes[2]!.knownNodes()) === 2, 10000, 200);
  });
});
