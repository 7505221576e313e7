/**
 * Membership changes without restarts or lost data (simulated cluster): a node that joins under
 * write load ends up holding its share of the existing keys before it serves them; a node that
 * leaves hands everything over so every key keeps N replicas among the others; a forgotten
 * node's keys are re-replicated from the remaining replicas.
 */
import { expect } from 'chai';
import pino from 'pino';
import { ClusterMember } from '../../lib/cluster-member';
import { keySlot, preferenceList, type Ring } from '../../lib/ring';
import { MemoryStore } from '../../lib/storage/memory-store';
import { mulberry32 } from '../../lib/util/rng';
import type { NodeId } from '../../lib/versioning/types';
import { SimCluster } from './sim-cluster';
import { bytes, key, values } from './helpers';

const SEEDS = [11, 12, 13];
const KEYS = 300;

/** boots one more node on the simulated network, seeded with every existing node */
async function bootJoiner(c: SimCluster, id: NodeId, antiEntropyInterval?: number, placement = { replicas: 3, vnodesPerWeight: 16 },
  onMustStop?: (message: string) => void): Promise<ClusterMember> {
  const store = new MemoryStore({ tick: 'microtask' });
  await store.open();
  const address = `${id}:17000`;
  const member = new ClusterMember(store, c.network.transport(id, address), c.clock, mulberry32(c.opts.seed + 99), {
    self: { id, address, respHost: '127.0.0.1', respPort: 7100, zone: 'default', weight: 1 },
    seeds: c.ids.map((_, i) => c.address(i)),
    ...placement, readQuorum: 2, writeQuorum: 2, requestTimeout: 200, gossipIntervalMs: 100,
    antiEntropyInterval,
  }, pino({ level: process.env.JLOG ?? 'silent' }));
  if (onMustStop) member.onMustStop(onMustStop);
  await member.start();
  return member;
}

/** writes keys k0..k{count-1} through random live nodes; records what each key holds last */
async function writeAll(c: SimCluster, latest: Map<string, string>, round: string, live: readonly number[], count = KEYS): Promise<void> {
  for (let i = 0; i < count; i++) {
    const via = live[Math.floor(c.rng() * live.length)]!;
    const v = `${round}-${i}`;
    await c.run(c.kv(via).write(key(`k${i}`), null, bytes(c, v)));
    latest.set(`k${i}`, v);
  }
}

/** for every key, the nodes of its preference list on `ring` that do not hold exactly its last value */
async function missing(ring: Ring, latest: Map<string, string>, holders: ReadonlyMap<NodeId, ClusterMember>): Promise<string[]> {
  const bad: string[] = [];
  for (const [k, v] of latest) {
    for (const id of preferenceList(ring, keySlot(key(k)), 3)) {
      const m = holders.get(id);
      const got = m === undefined ? ['<gone>'] : values(await m.coordinator.localRecord(key(k)));
      if (got.length !== 1 || got[0] !== v) bad.push(`${k}@${id}: ${got.join('|')} (want ${v})`);
    }
  }
  return bad;
}

function liveMembers(c: SimCluster, skip: readonly number[] = []): Map<NodeId, ClusterMember> {
  return new Map(c.ids.map((id, i) => [id, i] as const).filter(([, i]) => !skip.includes(i) && !c.isCrashed(i)).map(([id, i]) => [id, c.member(i)]));
}

describe('cluster: membership changes (join, leave, forget)', function () {
  this.timeout(120_000);

  it('a sixth node joins under write load and ends up holding its share of existing keys', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const latest = new Map<string, string>();
      const all = [0, 1, 2, 3, 4];
      await writeAll(c, latest, 'before', all);
      const joiner = await bootJoiner(c, 'n5');
      let servedWhileJoining = 0;
      // write load while it joins: every key again, until well after it turned normal
      for (let round = 0; round < 3; round++) {
        await writeAll(c, latest, `during${round}`, all, 100);
        if (joiner.membership.selfInfo().status === 'joining' && c.kv(0).targets(keySlot(key('k0')), 3).some((t) => t.id === 'n5')) servedWhileJoining++;
      }
      await c.pass(3_000); // gossip spreads the flip; ring-change pulls run
      expect(joiner.membership.selfInfo().status, `seed ${seed}`).to.equal('normal');
      expect(servedWhileJoining, `seed ${seed}: routed to while joining`).to.equal(0);
      const ring = joiner.membership.ring();
      expect(ring.members.map((m) => m.id), `seed ${seed}`).to.include('n5');
      for (let i = 0; i < 5; i++) expect(c.member(i).membership.ringChecksum(), `seed ${seed} n${i}`).to.equal(ring.checksum);
      const holders = liveMembers(c);
      holders.set('n5', joiner);
      expect(await missing(ring, latest, holders), `seed ${seed}`).to.deep.equal([]);
      const share = [...latest.keys()].filter((k) => preferenceList(ring, keySlot(key(k)), 3).includes('n5')).length;
      expect(share, `seed ${seed}: the joiner's share of ${KEYS} keys`).to.be.within(KEYS * 0.3, KEYS * 0.7);
      expect(joiner.transfer.stats().pulled, `seed ${seed}: records pulled`).to.be.at.least(share);
      await joiner.stop();
      await c.stop();
    }
  });

  for (const placement of [{ replicas: 5, vnodesPerWeight: 16 }, { replicas: 3, vnodesPerWeight: 32 }]) {
    it(`a node started with other placement settings (${JSON.stringify(placement)}) is told to stop and never enters the cluster's view`, async () => {
      for (const seed of SEEDS) {
        const c = await SimCluster.start({ nodes: 3, seed });
        await c.settle();
        const before = c.member(0).membership.ringChecksum();
        const conflicts: string[] = [];
        const joiner = await bootJoiner(c, 'n3', undefined, placement, (m) => conflicts.push(m));
        await c.pass(2_000);
        expect(conflicts.length, `seed ${seed}`).to.be.at.least(1);
        expect(conflicts[0], `seed ${seed}`).to.match(/runs with replicas 3, vnodes-per-weight 16, this node with replicas \d+, vnodes-per-weight \d+/);
        // neither side merged the other's view
        expect(joiner.membership.members().map((m) => m.id), `seed ${seed}`).to.deep.equal(['n3']);
        for (let i = 0; i < 3; i++) {
          const m = c.member(i).membership;
          expect(m.knows('n3'), `seed ${seed} n${i}`).to.equal(false);
          expect(m.ringChecksum(), `seed ${seed} n${i}`).to.equal(before);
        }
        expect(c.member(0).membership.conflictingPeers().map((m) => m.id).concat(c.member(1).membership.conflictingPeers().map((m) => m.id),
          c.member(2).membership.conflictingPeers().map((m) => m.id)), `seed ${seed}`).to.include('n3');
        await joiner.stop();
        await c.stop();
      }
    });
  }

  it('a node with the same placement settings joins, and a conflict heard before does not linger', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 5 });
    await c.settle();
    const conflicts: string[] = [];
    const wrong = await bootJoiner(c, 'n3', undefined, { replicas: 2, vnodesPerWeight: 16 }, (m) => conflicts.push(m));
    await c.pass(1_000);
    await wrong.stop();
    expect(conflicts.length).to.be.at.least(1);
    // the same node, restarted with the cluster's settings (a new generation)
    const right = await bootJoiner(c, 'n3', undefined, undefined, (m) => conflicts.push(`after the fix: ${m}`));
    await c.pass(3_000);
    expect(conflicts.filter((m) => m.startsWith('after'))).to.deep.equal([]);
    expect(right.membership.selfInfo().status).to.equal('normal');
    for (let i = 0; i < 3; i++) {
      expect(c.member(i).membership.member('n3')?.status, `n${i}`).to.equal('normal');
      expect(c.member(i).membership.conflictingPeers(), `n${i}`).to.deep.equal([]);
    }
    await right.stop();
    await c.stop();
  });

  it('with anti-entropy on, a joiner does not pull its range a second time: writes that raced its join reach it by anti-entropy', async () => {
    for (const seed of SEEDS) {
      // two nodes and N=3: every holder of every slot stays a replica when the third joins
      const c = await SimCluster.start({ nodes: 2, seed, antiEntropyInterval: 200 });
      await c.settle();
      const latest = new Map<string, string>();
      await writeAll(c, latest, 'before', [0, 1], 100);
      const joiner = await bootJoiner(c, 'n2', 200);
      let pulledAtJoin = -1;
      for (let round = 0; round < 100 && pulledAtJoin < 0; round++) {
        await writeAll(c, latest, `during${round}`, [0, 1], 20);
        await c.pass(100);
        if (joiner.membership.selfInfo().status === 'normal') pulledAtJoin = joiner.transfer.stats().pulled;
      }
      expect(pulledAtJoin, `seed ${seed}: the joiner turned normal`).to.be.at.least(100);
      await writeAll(c, latest, 'after', [0, 1], 30);
      await c.pass(5_000); // gossip spreads the join; the ring-change catch-up and anti-entropy rounds run
      expect(joiner.transfer.stats().pulled, `seed ${seed}: records pulled after the join`).to.equal(pulledAtJoin);
      const holders = liveMembers(c);
      holders.set('n2', joiner);
      expect(await missing(joiner.membership.ring(), latest, holders), `seed ${seed}`).to.deep.equal([]);
      await joiner.stop();
      await c.stop();
    }
  });

  it('a node that leaves loses nothing and every key keeps N replicas among the others', async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 6, seed });
      await c.settle();
      const latest = new Map<string, string>();
      const leaver = 2;
      const others = [0, 1, 3, 4, 5];
      await writeAll(c, latest, 'before', [0, 1, 2, 3, 4, 5]);
      let left = false;
      c.member(leaver).transfer.onLeft(() => (left = true));
      c.member(leaver).transfer.leave();
      expect(c.member(leaver).membership.selfInfo().status).to.equal('leaving');
      for (let round = 0; round < 5 && !left; round++) await writeAll(c, latest, `during${round}`, others, 60);
      for (let t = 0; t < 30_000 && !left; t += 100) await c.pass(100);
      expect(left, `seed ${seed}: the leaver finished`).to.equal(true);
      expect(c.member(leaver).transfer.stats().pushed, `seed ${seed}: records handed over`).to.be.greaterThan(0);
      c.crash(leaver); // the process exits
      await writeAll(c, latest, 'after', others, 50);
      await c.pass(3_000); // ring-change pulls run
      const ring = c.member(0).membership.ring();
      expect(ring.members.map((m) => m.id), `seed ${seed}`).to.not.include('n2');
      for (const i of others) expect(c.member(i).membership.ringChecksum(), `seed ${seed} n${i}`).to.equal(ring.checksum);
      expect(await missing(ring, latest, liveMembers(c)), `seed ${seed}`).to.deep.equal([]);
      await c.stop();
    }
  });

  it("a forgotten node's keys are re-replicated from the other replicas", async () => {
    for (const seed of SEEDS) {
      const c = await SimCluster.start({ nodes: 5, seed });
      await c.settle();
      const latest = new Map<string, string>();
      await writeAll(c, latest, 'before', [0, 1, 2, 3, 4]);
      await c.pass(1_000);
      c.crash(3); // gone for good
      await c.pass(1_000);
      c.member(0).transfer.forget('n3');
      await c.pass(5_000);
      const ring = c.member(0).membership.ring();
      expect(ring.members.map((m) => m.id), `seed ${seed}`).to.deep.equal(['n0', 'n1', 'n2', 'n4']);
      for (const i of [1, 2, 4]) expect(c.member(i).membership.ringChecksum(), `seed ${seed} n${i}`).to.equal(ring.checksum);
      expect(await missing(ring, latest, liveMembers(c)), `seed ${seed}`).to.deep.equal([]);
      await c.stop();
    }
  });

  it('CLUSTER FORGET refuses this node itself and an unknown id, with stable codes', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 5 });
    await c.settle();
    expect(() => c.member(0).transfer.forget('n0')).to.throw().with.property('code', 'MEMBER_SELF');
    expect(() => c.member(0).transfer.forget('nope')).to.throw().with.property('code', 'MEMBER_UNKNOWN');
    await c.stop();
  });

  it('the only node of a cluster refuses to leave, and a leaving node refuses to leave again', async () => {
    const c = await SimCluster.start({ nodes: 1, seed: 6 });
    await c.settle();
    expect(() => c.member(0).transfer.leave()).to.throw().with.property('code', 'MEMBER_LAST');
    await c.stop();
    const d = await SimCluster.start({ nodes: 3, seed: 7 });
    await d.settle();
    d.member(0).transfer.leave();
    expect(() => d.member(0).transfer.leave()).to.throw().with.property('code', 'MEMBER_BAD_STATE');
    await d.pass(2_000);
    await d.stop();
  });
});
