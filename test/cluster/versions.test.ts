/**
 * Dynamo §4.4 (data versioning): concurrent writes become siblings on every replica, a write
 * whose context covers them resolves them, and deletes are versions (tombstones) like any other.
 */
import { expect } from 'chai';
import { visible } from '../../lib/versioning';
import { SimCluster } from './sim-cluster';
import { bytes, key, tombstone, values } from './helpers';

const SEEDS = Array.from({ length: 10 }, (_, i) => 100 + i);

describe('cluster: versions, siblings and tombstones (Dynamo §4.4)', function () {
  // whole simulated clusters over many seeds: well under a second each here; room for slow CI
  this.timeout(15_000);

  it('concurrent writes with one context through two coordinators become siblings on every replica', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 3, seed });
      await c.settle();
      c.delay(0, 20);
      const k = key(`sib-${seed}`);
      await c.run(c.kv(0).write(k, null, bytes(c, 'old')));
      const { vv: ctx } = await c.run(c.kv(2).read(k));
      // two clients read the same context and write through different nodes at once
      const a = c.kv(1).write(k, ctx, bytes(c, 'a'));
      const b = c.kv(2).write(k, ctx, bytes(c, 'b'));
      await c.run(Promise.all([a, b]));
      await c.pass(200);
      const held = (await c.replicas(k)).map(values);
      expect(held, `seed ${seed}`).to.deep.equal([['a', 'b'], ['a', 'b'], ['a', 'b']]);
      const read = await c.run(c.kv(0).read(k));
      expect(values(read), `seed ${seed}`).to.deep.equal(['a', 'b']);
      await c.stop();
    }
  });

  it('a write whose context covers both siblings resolves them to one on every replica', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 3, seed });
      await c.settle();
      c.delay(0, 20);
      const k = key(`res-${seed}`);
      const empty = (await c.run(c.kv(0).read(k))).vv;
      await c.run(Promise.all([c.kv(0).write(k, empty, bytes(c, 'a')), c.kv(1).write(k, empty, bytes(c, 'b'))]));
      await c.pass(200);
      const read = await c.run(c.kv(2).read(k));
      expect(values(read), `seed ${seed}`).to.deep.equal(['a', 'b']);
      await c.run(c.kv(2).write(k, read.vv, bytes(c, 'merged')));
      await c.pass(200);
      expect((await c.replicas(k)).map(values), `seed ${seed}`).to.deep.equal([['merged'], ['merged'], ['merged']]);
      await c.stop();
    }
  });

  it('a write whose context covers one sibling replaces that one and keeps the other', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 21 });
    await c.settle();
    const k = key('partial');
    const { vv: empty } = await c.run(c.kv(0).read(k));
    const a = await c.run(c.kv(0).write(k, empty, bytes(c, 'a')));
    await c.run(c.kv(1).write(k, empty, bytes(c, 'b')));
    await c.pass(100);
    // a context that saw only 'a'
    await c.run(c.kv(2).write(k, a.vv, bytes(c, 'a2')));
    await c.pass(100);
    expect((await c.replicas(k)).map(values)).to.deep.equal([['a2', 'b'], ['a2', 'b'], ['a2', 'b']]);
    await c.stop();
  });

  it('deletes are tombstones that replicate: every replica holds the tombstone and nothing is visible', async () => {
    const c = await SimCluster.start({ nodes: 5, seed: 22 });
    await c.settle();
    const k = key('gone');
    const pref = c.preferenceList(k);
    await c.run(c.kv(1).write(k, null, bytes(c, 'x')));
    const { vv } = await c.run(c.kv(3).read(k));
    await c.run(c.kv(4).write(k, vv, tombstone(c)));
    await c.pass(100);
    const held = await c.replicas(k);
    for (const [j, id] of c.ids.entries()) {
      const rec = held[j]!;
      expect(values(rec), id).to.deep.equal(pref.includes(id) ? ['<del>'] : []);
      expect(visible(rec, c.clock.now()), id).to.equal(undefined);
    }
    expect(visible(await c.run(c.kv(0).read(k)), c.clock.now())).to.equal(undefined);
    await c.stop();
  });

  it('a replica that missed a delete gets the tombstone by read repair, and the value does not come back', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 3, seed });
      await c.settle();
      const k = key('zombie');
      await c.run(c.kv(0).write(k, null, bytes(c, 'x')));
      await c.pass(50);
      c.isolate(2);
      // plain DEL: the context is what the coordinator's replica holds
      await c.run(c.kv(0).write(k, null, tombstone(c)));
      expect((await c.replicas(k)).map(values), `seed ${seed}`).to.deep.equal([['<del>'], ['<del>'], ['x']]);
      c.heal();
      await c.settle();
      const read = await c.run(c.kv(2).read(k, { r: 3 }));
      expect(visible(read, c.clock.now()), `seed ${seed}`).to.equal(undefined);
      await c.pass(100);
      expect((await c.replicas(k)).map(values), `seed ${seed}`).to.deep.equal([['<del>'], ['<del>'], ['<del>']]);
      await c.stop();
    }
  });
});
