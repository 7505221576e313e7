/**
 * A node whose own replica is behind (it was stopped while others took writes) coordinates a
 * plain SET: the SET must replace what the cluster holds, not only its own old copy, or the value
 * written meanwhile comes back as a sibling of every later one (VGET shows it; GET does not).
 * The node notices it was stopped by a timer that fired seconds late, and reads the key first for
 * a while. Real processes, SIGSTOP and SIGCONT.
 */
import { expect } from 'chai';
import { formedCluster, sleep } from './cluster-harness-procs';

describe('a node resumed after SIGSTOP (real processes)', function () {
  this.timeout(60000);
  const cluster = formedCluster(3);

  it('its SETs replace the values written while it was stopped', async () => {
    const [c1, , c3] = [cluster().client(0), cluster().client(1), cluster().client(2)];
    const keys = Array.from({ length: 20 }, (_, i) => `stall:${i}`);
    for (const k of keys) await c1.set(k, 'v1');
    const child = cluster().nodes[2]!.proc.child!;
    child.kill('SIGSTOP');
    try {
      await sleep(4000);
      for (const k of keys) await c1.set(k, 'v2'); // node3 misses these (hints wait for it)
    } finally {
      child.kill('SIGCONT');
    }
    for (const k of keys) expect(await c3.set(k, 'v3')).to.equal('OK');
    await sleep(2000); // hints delivered
    const c2 = cluster().client(1);
    for (const k of keys) expect(((await c2.call('VGET', k)) as string[]).slice(1), k).to.deep.equal(['v3']);
  });
});
