/**
 * Dynamo §4.6 (sloppy quorum and hinted handoff): when a key's preference-list nodes cannot be
 * reached, the first N healthy nodes of its walk take the write, so the cluster stays writable
 * on the minority side of a partition.
 */
import { expect } from 'chai';
import { SimCluster } from './sim-cluster';
import { bytes, key, siblingOf, values, writeWithRetry } from './helpers';

/** a 5-node cluster cut into {n0, n1} | {n2, n3, n4}, and a key all of whose replicas are across */
async function minorityScenario(seed: number): Promise<{ c: SimCluster; k: Buffer; pref: string[] }> {
  const c = await SimCluster.start({ nodes: 5, seed, replicas: 3, writeQuorum: 2, readQuorum: 2 });
  await c.settle();
  let k = key('far-0');
  for (let i = 1; c.preferenceList(k).some((id) => id === 'n0' || id === 'n1'); i++) k = key(`far-${i}`);
  c.partition([0, 1], [2, 3, 4]);
  return { c, k, pref: c.preferenceList(k) };
}

describe('cluster: sloppy quorum (Dynamo §4.6)', function () {
  // whole simulated clusters over many seeds: well under a second each here; room for slow CI
  this.timeout(15_000);

  it('a node cut off from all of a key\'s preference list coordinates the write itself, with fallbacks as replicas', async () => {
    for (let seed = 400; seed < 410; seed++) {
      const { c, k } = await minorityScenario(seed);
      // the forwarding hop times out (the outcome is unknown, so the first try may say so rather
      // than coordinate the write a second time); then n0 is among the first N healthy nodes
      // itself, and the write succeeds
      const rec = await writeWithRetry(c, () => c.kv(0).write(k, null, bytes(c, 'minority')));
      expect(siblingOf(rec, 'minority').dot.node, `seed ${seed}`).to.equal('n0');
      expect((await c.replicas(k)).map(values), `seed ${seed}`).to.deep.equal([['minority'], ['minority'], [], [], []]);
      // and the minority side reads it back
      expect(values(await c.run(c.kv(1).read(k))), `seed ${seed}`).to.deep.equal(['minority']);
      await c.stop();
    }
  });

  it('a plain write coordinated by a stand-in for a crashed primary replaces what the replicas hold, not only its own (empty) copy', async () => {
    for (let seed = 430; seed < 435; seed++) {
      const c = await SimCluster.start({ nodes: 4, seed, hintedHandoff: false });
      await c.settle();
      let k = key('stand-in-0');
      for (let i = 1; c.preferenceList(k).includes('n0'); i++) k = key(`stand-in-${i}`);
      await c.run(c.kv(0).write(k, null, bytes(c, 'old'))); // forwarded to a primary
      const down = c.ids.indexOf(c.preferenceList(k)[0]!);
      c.crash(down);
      // n0, now among the key's first three healthy nodes, coordinates the next writes itself
      await writeWithRetry(c, () => c.kv(0).write(k, null, bytes(c, 'new')));
      await c.run(c.kv(0).write(k, null, bytes(c, 'newer')));
      const live = (await c.replicas(k)).filter((_, i) => i !== down);
      expect(live.map(values), `seed ${seed}`).to.deep.equal([['newer'], ['newer'], ['newer']]);
      await c.stop();
    }
  });

  it('a write forwarded to a coordinator that stopped (SIGSTOP-like) is taken by the next one after one request-timeout, not two', async () => {
    for (let seed = 420; seed < 425; seed++) {
      const c = await SimCluster.start({ nodes: 5, seed, replicas: 3, writeQuorum: 2, readQuorum: 2, requestTimeout: 200 });
      await c.settle();
      let k = key('stop-0');
      for (let i = 1; c.preferenceList(k).includes('n0'); i++) k = key(`stop-${i}`);
      const first = c.indexOf(c.preferenceList(k)[0]!);
      c.pause(first); // nobody has noticed: n0 forwards to it first
      const started = c.clock.now();
      const rec = await c.run(c.kv(0).write(k, null, bytes(c, 'moved-on')));
      const took = c.clock.now() - started;
      expect(siblingOf(rec, 'moved-on').dot.node, `seed ${seed}: coordinated by the next node`).to.not.equal(c.ids[first]);
      // half a timeout of silence, then a PING unanswered for another half
      expect(took, `seed ${seed}: ms to move on`).to.be.within(200, 300);
      c.resume(first);
      await c.stop();
    }
  });

  it('once a stopped coordinator is found silent, every other write waiting on it moves on at once', async () => {
    const c = await SimCluster.start({ nodes: 5, seed: 430, replicas: 3, writeQuorum: 2, readQuorum: 2, requestTimeout: 200 });
    await c.settle();
    let k = key('wait-0');
    for (let i = 1; c.preferenceList(k).includes('n0'); i++) k = key(`wait-${i}`);
    const first = c.indexOf(c.preferenceList(k)[0]!);
    c.pause(first);
    const t0 = c.clock.now();
    const done: number[] = [];
    const a = c.kv(0).write(k, null, bytes(c, 'a')).then(() => done.push(c.clock.now() - t0));
    await c.pass(150); // b is sent 150 ms later: alone, it would wait until 350 ms
    const b = c.kv(0).write(k, null, bytes(c, 'b')).then(() => done.push(c.clock.now() - t0));
    await c.run(Promise.all([a, b]));
    expect(Math.max(...done), 'ms until both writes were taken elsewhere').to.be.below(300);
    c.resume(first);
    await c.stop();
  });

  it('writes taken by fallbacks during a partition reach the preference-list nodes after it heals (hinted handoff)', async () => {
    for (let seed = 400; seed < 410; seed++) {
      const { c, k, pref } = await minorityScenario(seed);
      await writeWithRetry(c, () => c.kv(0).write(k, null, bytes(c, 'minority')));
      c.heal();
      await c.settle();
      await c.pass(10_000);
      const held = await c.replicas(k);
      for (const id of pref) expect(values(held[c.indexOf(id)]!), `seed ${seed}: ${id}`).to.deep.equal(['minority']);
      expect(values(await c.run(c.kv(c.indexOf(pref[0]!)).read(k, { r: 3 }))), `seed ${seed}`).to.deep.equal(['minority']);
      await c.stop();
    }
  });
});
