/**
 * Dynamo §4.7 (handling failures), §4.8 (membership and failure detection) and §6 (the
 * "always writeable" experience): read repair, partitions, lossy networks and crashes never lose
 * an acknowledged write. Randomised scenarios run over 10 seeds; a failure names its seed.
 */
import { expect } from 'chai';
import { randomInt } from '../../lib/util/rng';
import type { Sibling } from '../../lib/versioning/types';
import { SimCluster } from './sim-cluster';
import { bytes, holdsOrSupersedes, key, siblingOf, values } from './helpers';

const SEEDS = Array.from({ length: 10 }, (_, i) => 200 + i);

interface Acked {
  readonly key: Buffer;
  readonly value: string;
  readonly sibling: Sibling;
}

describe('cluster: failures (Dynamo §4.7, §4.8, §6)', function () {
  // whole simulated clusters over many seeds: well under a second each here; room for slow CI
  this.timeout(15_000);

  it('read repair brings a replica that missed writes up to date', async () => {
    for (const seed of SEEDS) {
      // handoff off: it would bring node 2 up to date before any read
      const c = await SimCluster.start({ nodes: 3, seed, hintedHandoff: false });
      await c.settle();
      const keys = [key('rr-a'), key('rr-b'), key('rr-c')];
      // node 2 misses writes while isolated (timeouts) and while crashed (refused)
      c.isolate(2);
      await c.run(c.kv(0).write(keys[0]!, null, bytes(c, 'a1')));
      c.heal();
      c.crash(2);
      await c.run(c.kv(1).write(keys[1]!, null, bytes(c, 'b1')));
      await c.run(c.kv(0).write(keys[2]!, null, bytes(c, 'c1')));
      await c.restart(2);
      await c.settle();
      for (const k of keys) expect(values(await c.kv(2).localRecord(k)), `seed ${seed}`).to.deep.equal([]);
      const before = c.kv(1).stats.readRepairs;
      for (const k of keys) await c.run(c.kv(1).read(k));
      await c.pass(100);
      expect(c.kv(1).stats.readRepairs - before, `seed ${seed}`).to.equal(3);
      for (const [i, k] of keys.entries()) {
        expect((await c.replicas(k)).map(values), `seed ${seed} ${k}`).to.deep.equal(Array(3).fill([`${'abc'[i]}1`]));
      }
      await c.stop();
    }
  });

  it('a partition heals without losing any acknowledged write', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 3, seed });
      await c.settle();
      c.partition([0], [1, 2]);
      const keys = Array.from({ length: 6 }, (_, i) => key(`part-${i}`));
      const acked: Acked[] = [];
      const lastOnSide = new Map<string, Acked>();
      for (let n = 0; n < 60; n++) {
        const node = randomInt(c.rng, 3);
        const k = keys[randomInt(c.rng, keys.length)]!;
        const value = `s${seed}-w${n}-n${node}`;
        try {
          const rec = await c.run(c.kv(node).write(k, null, bytes(c, value), { r: 1, w: 1 }));
          const a = { key: k, value, sibling: siblingOf(rec, value) };
          acked.push(a);
          lastOnSide.set(`${node === 0 ? 'A' : 'B'}/${k}`, a);
        } catch (err) {
          expect((err as { code?: string }).code, `seed ${seed}: W=1 must not fail inside a partition`).to.equal('NOQUORUM');
          throw err;
        }
        await c.pass(randomInt(c.rng, 20));
      }
      c.heal();
      await c.settle();
      for (const k of keys) {
        const rec = await c.run(c.kv(randomInt(c.rng, 3)).read(k, { r: 3 }));
        for (const a of acked.filter((x) => x.key.equals(k))) {
          expect(holdsOrSupersedes(rec, a.sibling), `seed ${seed}: ${a.value} lost from ${values(rec).join(',')}`).to.equal(true);
        }
        // the last write on each side never saw the other side's: both stay as siblings
        for (const side of ['A', 'B']) {
          const last = lastOnSide.get(`${side}/${k}`);
          if (last) expect(values(rec), `seed ${seed}: last write of side ${side}`).to.include(last.value);
        }
      }
      // read repair made every replica equal
      await c.pass(100);
      for (const k of keys) {
        const held = (await c.replicas(k)).map(values);
        expect(held[1], `seed ${seed}`).to.deep.equal(held[0]);
        expect(held[2], `seed ${seed}`).to.deep.equal(held[0]);
      }
      await c.stop();
    }
  });

  it('message drops and delays never lose an acknowledged write', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 3, seed, requestTimeout: 100 });
      await c.settle();
      c.dropRate(0.2);
      c.delay(0, 30);
      const keys = Array.from({ length: 40 }, (_, i) => key(`lossy-${i}`));
      const attempted = new Set<string>();
      const acked: Acked[] = [];
      let failed = 0;
      for (let batch = 0; batch < 25; batch++) {
        const writes = Array.from({ length: 8 }, async (_, j) => {
          const k = keys[randomInt(c.rng, keys.length)]!;
          const value = `s${seed}-b${batch}-${j}`;
          attempted.add(value);
          try {
            const rec = await c.kv(randomInt(c.rng, 3)).write(k, null, bytes(c, value));
            acked.push({ key: k, value, sibling: siblingOf(rec, value) });
          } catch (err) {
            expect((err as { code?: string }).code).to.equal('NOQUORUM');
            failed++;
          }
        });
        await c.run(Promise.all(writes));
        // clients keep coming over time, not all in one instant
        await c.pass(randomInt(c.rng, 200));
      }
      // not vacuous: a good share of writes succeed (each peer is suspected for >= 500 ms after one
      // lost reply, so with 20% loss roughly half the writes are refused or time out)
      expect(acked.length, `seed ${seed}: writes acknowledged`).to.be.at.least(50);
      c.heal();
      await c.settle();
      for (const k of keys) {
        const rec = await c.run(c.kv(randomInt(c.rng, 3)).read(k, { r: 3 }));
        for (const v of values(rec)) expect(attempted.has(v), `seed ${seed}: ${v} was never written`).to.equal(true);
        for (const a of acked.filter((x) => x.key.equals(k))) {
          expect(holdsOrSupersedes(rec, a.sibling), `seed ${seed}: acknowledged ${a.value} lost (now ${values(rec).join(',')})`).to.equal(true);
        }
      }
      expect(failed + acked.length).to.equal(200);
      await c.stop();
    }
  });
});
