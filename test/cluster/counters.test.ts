/**
 * Counters in a simulated cluster: increments coordinated by different nodes at once, on both
 * sides of a partition, and through nodes that forward to a coordinator, all count exactly once
 * when the replicas are merged (read with R = N, which read-repairs them).
 */
import { expect } from 'chai';
import { SimCluster } from './sim-cluster';
import { key, tombstone } from './helpers';
import { liveSiblings, visible } from '../../lib/versioning';
import { counterDelta, counterValue, joinCounterSiblings } from '../../lib/versioning/counter';
import type { VRecord } from '../../lib/versioning/types';

function incr(c: SimCluster, i: number, k: Buffer, delta: bigint, q?: { r?: number; w?: number }): Promise<VRecord> {
  return c.kv(i).write(k, null, { payload: counterDelta(delta), ts: c.clock.now(), expireAt: null }, q);
}

/** what GET shows of a counter record: the join of the live counter siblings */
function shown(c: SimCluster, rec: VRecord): bigint | null {
  const now = c.clock.now();
  const top = visible(rec, now);
  if (top?.payload.kind !== 'counter') return null;
  return counterValue(joinCounterSiblings(liveSiblings(rec, now)));
}

describe('cluster: counters (PN-counter CRDT)', function () {
  this.timeout(30_000);

  it('concurrent increments through every node, interleaved, sum exactly', async () => {
    for (let seed = 500; seed < 505; seed++) {
      const c = await SimCluster.start({ nodes: 3, seed });
      await c.settle();
      c.delay(1, 20); // messages overtake each other: writes through different nodes overlap
      const k = key('hits');
      let expected = 0n;
      const pending: Array<Promise<VRecord>> = [];
      for (let i = 0; i < 90; i++) {
        const delta = BigInt(1 + Math.floor(c.rng() * 5)) * (c.rng() < 0.2 ? -1n : 1n);
        expected += delta;
        pending.push(incr(c, i % 3, k, delta));
      }
      await c.run(Promise.all(pending));
      c.heal();
      const rec = await c.run(c.kv(seed % 3).read(k, { r: 3 }));
      expect(shown(c, rec), `seed ${seed}`).to.equal(expected);
      await c.pass(1000); // read repair lands
      for (const r of await c.replicas(k)) expect(shown(c, r!), `seed ${seed}`).to.equal(expected);
      await c.stop();
    }
  });

  it('an increment through a node back from a crash builds on what a quorum holds, not on its own old copy', async () => {
    for (let seed = 520; seed < 525; seed++) {
      // neither handoff nor anti-entropy brings the restarted node up to date: only the increment can
      const c = await SimCluster.start({ nodes: 3, seed, hintedHandoff: false });
      await c.settle();
      const k = key('restarted');
      await c.run(incr(c, 0, k, 10n, { w: 3 }));
      c.crash(2);
      await c.run(c.kv(0).write(k, null, tombstone(c))); // DEL, acknowledged by nodes 0 and 1
      await c.run(incr(c, 0, k, 3n));
      await c.restart(2);
      await c.settle();
      const rec = await c.run(incr(c, 2, k, 1n));
      expect(shown(c, rec), `seed ${seed}: the INCR's reply`).to.equal(4n);
      expect(shown(c, await c.run(c.kv(1).read(k, { r: 3 }))), `seed ${seed}`).to.equal(4n);
      await c.stop();
    }
  });

  it('increments accepted on both sides of a partition with R=W=1 all count after it heals', async () => {
    for (let seed = 510; seed < 515; seed++) {
      const c = await SimCluster.start({ nodes: 3, seed });
      await c.settle();
      const k = key('votes');
      const q = { r: 1, w: 1 };
      await c.run(incr(c, 0, k, 10n, { w: 3 }));
      c.partition([0], [1, 2]);
      let expected = 10n;
      for (let i = 0; i < 30; i++) {
        const node = [0, 1, 2][i % 3]!;
        const delta = node === 0 ? 1n : -2n;
        await c.run(incr(c, node, k, delta, q));
        expected += delta;
      }
      // each side sees only its own increments
      expect(shown(c, await c.run(c.kv(0).read(k, q))), `seed ${seed}`).to.equal(10n + 10n);
      expect(shown(c, await c.run(c.kv(1).read(k, q))), `seed ${seed}`).to.equal(10n - 40n);
      c.heal();
      await c.settle();
      const rec = await c.run(c.kv(1).read(k, { r: 3 }));
      expect(rec.siblings.length, `seed ${seed}: concurrent counter siblings`).to.equal(2);
      expect(shown(c, rec), `seed ${seed}`).to.equal(expected);
      // the next increment, through any node, folds them together
      await c.pass(1000);
      const folded = await c.run(incr(c, 2, k, 1n, { w: 3 }));
      expect(folded.siblings, `seed ${seed}`).to.have.length(1);
      expect(shown(c, folded), `seed ${seed}`).to.equal(expected + 1n);
      await c.stop();
    }
  });

  it('increments sent to nodes that are not replicas are forwarded and count once', async () => {
    for (let seed = 520; seed < 523; seed++) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const k = key('forwarded');
      const pending: Array<Promise<VRecord>> = [];
      for (let i = 0; i < 50; i++) pending.push(incr(c, i % 5, k, 1n));
      await c.run(Promise.all(pending));
      const pref = c.preferenceList(k).map((id) => c.indexOf(id));
      expect(shown(c, await c.run(c.kv(pref[0]!).read(k, { r: 3 }))), `seed ${seed}`).to.equal(50n);
      // only preference-list nodes coordinated (own an entry)
      const rec = await c.run(c.kv(0).read(k, { r: 3 }));
      const owners = new Set<string>();
      for (const s of rec.siblings) if (s.payload.kind === 'counter') for (const n of s.payload.inc.keys()) owners.add(n);
      for (const o of owners) expect(c.preferenceList(k), `seed ${seed}`).to.include(o);
      await c.stop();
    }
  });
});
