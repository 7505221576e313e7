/**
 * Dynamo §4.6 (hinted handoff): a node that takes a write for an unreachable preference-list
 * node keeps a durable hint and, once that node is back, hands the write over — without any read
 * having to repair it — deleting the hint only after the intended node acknowledged.
 */
import { expect } from 'chai';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import type { NodeId } from '../../lib/versioning/types';
import { SimCluster } from './sim-cluster';
import { bytes, key, values } from './helpers';

const SEEDS = Array.from({ length: 5 }, (_, i) => 700 + i);
const READS: ReadonlySet<number> = new Set([MessageType.REPLICA_READ, MessageType.COORDINATE_READ, MessageType.REPLICA_SCAN]);

/** counts every read request sent from now on */
function countReads(c: SimCluster): { readonly n: number } {
  const seen = { n: 0 };
  c.network.onMessage((m) => {
    if (m.kind === FrameKind.REQUEST && READS.has(m.type)) seen.n++;
  });
  return seen;
}

/** a key whose preference list (N=3) holds `target`, and the index of another of its primaries */
function keyWith(c: SimCluster, target: NodeId, prefix: string): { k: Buffer; pref: NodeId[]; via: number } {
  for (let i = 0; ; i++) {
    const k = key(`${prefix}-${i}`);
    const pref = c.preferenceList(k);
    if (pref.includes(target)) return { k, pref, via: c.indexOf(pref.find((id) => id !== target)!) };
  }
}

/** nodes (by index) holding hints for `target` */
function holders(c: SimCluster, target: NodeId): number[] {
  return c.ids.map((_, i) => i).filter((i) => !c.isCrashed(i) && (c.member(i).hints?.count(target) ?? 0) > 0);
}

/** isolate node t and let the others notice (a write to it times out once) */
async function isolateAndNotice(c: SimCluster, t: number): Promise<void> {
  c.isolate(t);
  await c.pass(1_000);
}

describe('cluster: hinted handoff (Dynamo §4.6)', function () {
  this.timeout(30_000);

  it('a write taken by a fallback reaches its preference-list node once it is back, without any read', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const t = 4;
      const { k, via } = keyWith(c, c.ids[t]!, 'back');
      await isolateAndNotice(c, t);
      await c.run(c.kv(via).write(k, null, bytes(c, 'v1')));
      await c.pass(500); // past a request timeout: a write to the target that timed out left its hint
      expect(holders(c, c.ids[t]!), `seed ${seed}: someone holds a hint`).to.have.length.greaterThan(0);
      expect(values((await c.replicas(k))[t]!), `seed ${seed}`).to.deep.equal([]);
      const reads = countReads(c);
      c.heal();
      await c.pass(8_000);
      expect(values((await c.replicas(k))[t]!), `seed ${seed}`).to.deep.equal(['v1']);
      expect(reads.n, `seed ${seed}: reads sent`).to.equal(0);
      expect(holders(c, c.ids[t]!), `seed ${seed}: hints left`).to.deep.equal([]);
      await c.stop();
    }
  });

  it('a fallback lets its copy go once delivered; the preference-list nodes keep theirs', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const t = 4;
      const { k, pref, via } = keyWith(c, c.ids[t]!, 'release');
      await isolateAndNotice(c, t);
      await c.run(c.kv(via).write(k, null, bytes(c, 'v1')));
      await c.pass(500);
      const fallbacks = holders(c, c.ids[t]!).filter((i) => !pref.includes(c.ids[i]!));
      expect(fallbacks, `seed ${seed}: a fallback holds the hint`).to.have.length.greaterThan(0);
      for (const f of fallbacks) expect(values((await c.replicas(k))[f]!), `seed ${seed}: fallback's copy`).to.deep.equal(['v1']);
      c.heal();
      await c.pass(8_000);
      const after = await c.replicas(k);
      for (const id of pref) expect(values(after[c.indexOf(id)]!), `seed ${seed}: ${id} is a primary`).to.deep.equal(['v1']);
      for (const f of fallbacks) {
        expect(values(after[f]!), `seed ${seed}: fallback ${c.ids[f]} let its copy go`).to.deep.equal([]);
        expect(c.member(f).handoffInfo(), `seed ${seed}`).to.deep.include(['hints_released', 1]);
      }
      await c.stop();
    }
  });

  it('a node that coordinated a write to the key keeps its copy after delivery (its dots stay known)', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const k = key('outsider');
      const pref = c.preferenceList(k);
      const f = c.ids.findIndex((id) => !pref.includes(id));
      // a node outside the list coordinating (a forwarder took it for a fallback) hints every primary
      await c.run(c.kv(f).write(k, null, bytes(c, 'v1'), undefined, true));
      await c.pass(4_000);
      expect(c.member(f).hints?.stats().delivered, `seed ${seed}: hints delivered`).to.equal(3);
      expect(values((await c.replicas(k))[f]!), `seed ${seed}: the outsider keeps its copy`).to.deep.equal(['v1']);
      expect(c.member(f).handoffInfo(), `seed ${seed}`).to.deep.include(['hints_released', 0]);
      // an empty context: concurrent with v1. Had the node forgotten v1's dot, this write's version
      // vector would claim it, and every replica would drop v1 as superseded.
      await c.run(c.kv(f).write(k, new Map(), bytes(c, 'v2'), undefined, true));
      await c.pass(4_000);
      for (const id of pref) expect(values((await c.replicas(k))[c.indexOf(id)]!), `seed ${seed}: ${id}`).to.deep.equal(['v1', 'v2']);
      await c.stop();
    }
  });

  it('hints survive a restart of the fallback', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const t = 4;
      const { k, via } = keyWith(c, c.ids[t]!, 'restart');
      await isolateAndNotice(c, t);
      await c.run(c.kv(via).write(k, null, bytes(c, 'kept')));
      await c.pass(500); // past a request timeout: a write to the target that timed out left its hint
      const [f, ...others] = holders(c, c.ids[t]!);
      expect(f, `seed ${seed}: a hint holder`).to.not.equal(undefined);
      expect(others, `seed ${seed}: one holder`).to.deep.equal([]);
      c.crash(f!);
      await c.restart(f!);
      expect(c.member(f!).hints!.count(c.ids[t]!), `seed ${seed}: hint after restart`).to.equal(1);
      c.heal();
      await c.pass(8_000);
      expect(values((await c.replicas(k))[t]!), `seed ${seed}`).to.deep.equal(['kept']);
      expect(c.member(f!).hints!.stats().delivered, `seed ${seed}`).to.equal(1);
      await c.stop();
    }
  });

  // fault suite, 5 nodes, seed 1023: a fallback restarted and, before it heard from anyone, found
  // the key's owners "gone" from its ring of one, delivered to nobody and deleted its hints
  it('a fallback restarted alone keeps its hints until it has heard of the target, then delivers them', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const t = 4;
      const { k, via } = keyWith(c, c.ids[t]!, 'alone');
      await isolateAndNotice(c, t);
      await c.run(c.kv(via).write(k, null, bytes(c, 'kept')));
      await c.pass(500);
      const [f] = holders(c, c.ids[t]!);
      expect(f, `seed ${seed}: a hint holder`).to.not.equal(undefined);
      c.crash(f!);
      await c.restart(f!);
      c.isolate(f!); // it hears from nobody: its ring is itself alone
      await c.pass(5_000); // several delivery rounds
      expect(c.member(f!).hints!.count(c.ids[t]!), `seed ${seed}: hint kept while alone`).to.equal(1);
      c.heal();
      await c.pass(8_000);
      expect(values((await c.replicas(k))[t]!), `seed ${seed}`).to.deep.equal(['kept']);
      expect(c.member(f!).hints!.count(c.ids[t]!), `seed ${seed}: delivered`).to.equal(0);
      await c.stop();
    }
  });

  it('a hint is deleted only after the target acknowledged', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const t = 4;
      const { k, via } = keyWith(c, c.ids[t]!, 'ack');
      await isolateAndNotice(c, t);
      await c.run(c.kv(via).write(k, null, bytes(c, 'acked')));
      await c.pass(500); // past a request timeout: a write to the target that timed out left its hint
      const [f] = holders(c, c.ids[t]!);
      // the target gets the record but every answer it gives a REPLICA_WRITE (or a batch) is lost
      let dropped = 0;
      const unhook = c.network.onMessage((m) => {
        const write = m.type === MessageType.REPLICA_WRITE || m.type === MessageType.REPLICA_WRITE_BATCH;
        if (!write || m.kind === FrameKind.REQUEST || m.from !== c.address(t)) return true;
        dropped++;
        return false;
      });
      c.heal();
      await c.pass(5_000);
      expect(dropped, `seed ${seed}: answers lost`).to.be.greaterThan(0);
      expect(values((await c.replicas(k))[t]!), `seed ${seed}: the target merged it`).to.deep.equal(['acked']);
      expect(c.member(f!).hints!.count(c.ids[t]!), `seed ${seed}: hint kept`).to.equal(1);
      expect(c.member(f!).hints!.stats().delivered, `seed ${seed}`).to.equal(0);
      unhook();
      await c.pass(8_000);
      expect(c.member(f!).hints!.count(c.ids[t]!), `seed ${seed}: hint deleted`).to.equal(0);
      expect(c.member(f!).hints!.stats().delivered, `seed ${seed}`).to.equal(1);
      await c.stop();
    }
  });

  it('hints beyond max-hints-per-target are counted, not silently dropped', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const t = 4;
      const target = c.ids[t]!;
      for (let i = 0; i < 5; i++) c.member(i).hints!.setLimits({ maxHints: 1000, maxHintsPerTarget: 3 });
      await isolateAndNotice(c, t);
      const keys: Buffer[] = [];
      for (let i = 0; keys.length < 20; i++) {
        const { k, via } = keyWith(c, target, `cap-${i}`);
        if (keys.some((x) => x.equals(k))) continue;
        keys.push(k);
        await c.run(c.kv(via).write(k, null, bytes(c, `cap${keys.length}`)));
      }
      await c.pass(500); // past a request timeout: a write to the target that timed out left its hint
      let pending = 0;
      let dropped = 0;
      for (let i = 0; i < 4; i++) {
        const s = c.member(i).hints!.stats();
        expect(s.perTarget.get(target) ?? 0, `seed ${seed}: n${i} over the bound`).to.be.at.most(3);
        pending += s.perTarget.get(target) ?? 0;
        dropped += s.dropped;
        const info = Object.fromEntries(c.member(i).handoffInfo());
        expect(info.hints_dropped).to.equal(s.dropped);
      }
      // every write the target missed is either hinted or counted as dropped
      expect(pending + dropped, `seed ${seed}`).to.equal(keys.length);
      expect(dropped, `seed ${seed}`).to.be.greaterThan(0);
      c.heal();
      await c.pass(8_000);
      const home = (await Promise.all(keys.map((k) => c.member(t).coordinator.localRecord(k)))).filter((r) => r.siblings.length > 0);
      expect(home.length, `seed ${seed}: delivered = kept`).to.equal(pending);
      await c.stop();
    }
  });

  it('5 nodes, N=3 W=2: with two nodes stopped every write through a live node succeeds, at once and without retries, and after they resume every key is on its 3 preference-list replicas through handoff alone', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed, replicas: 3, writeQuorum: 2, readQuorum: 2 });
      await c.settle();
      const down = [1, 3];
      // stopped like SIGSTOP, and written to at once: nobody has noticed yet, so the first writes
      // meet the silence themselves (a forwarding hop or a replica request times out)
      for (const d of down) c.pause(d);
      const reads = countReads(c);
      const live = [0, 2, 4];
      const keys: Buffer[] = [];
      const writes: Array<Promise<unknown>> = [];
      for (let i = 0; i < 120; i++) {
        const k = key(`two-down-${i}`);
        keys.push(k);
        // every write through a live node succeeds (a failure rejects and fails the test); the
        // first ones run concurrently, before any failure was detected
        const w = c.kv(live[i % live.length]!).write(k, null, bytes(c, `v${i}`));
        if (i < 30) writes.push(w);
        else await c.run(w);
        if (i === 29) await c.run(Promise.all(writes));
      }
      for (const d of down) c.resume(d);
      await c.pass(15_000);
      for (const [i, k] of keys.entries()) {
        const held = await c.replicas(k);
        for (const id of c.preferenceList(k)) {
          // exactly one version: a stopped coordinator that resumes drops the forwarded write
          // it was too late for, rather than apply it a second time
          expect(values(held[c.indexOf(id)]!), `seed ${seed}: key ${i} on ${id}`).to.deep.equal([`v${i}`]);
        }
      }
      // a stand-in coordinating a plain write first reads the key (Coordinator.catchUp), which
      // repairs no other replica: what reached the preference list came by handoff
      expect(reads.n, `seed ${seed}: reads sent`).to.be.at.most(keys.length);
      expect(c.ids.reduce((sum, _, i) => sum + c.member(i).coordinator.stats.readRepairs, 0), `seed ${seed}: read repairs`).to.equal(0);
      for (let i = 0; i < 5; i++) expect(c.member(i).hints!.stats().pending, `seed ${seed}: n${i} hints left`).to.equal(0);
      await c.stop();
    }
  });
});
