/**
 * The smallest schedules behind anomalies the fault suite found, replayed exactly on the
 * in-process cluster: each names the behaviour a fix must give.
 */
import { expect } from 'chai';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import type { NewVersion, VRecord } from '../../lib/versioning/types';
import { SimCluster } from '../cluster/sim-cluster';
import { drive } from './sim-clients';
import { FIVE_NODES, runSimSchedule, type SimShape } from './sim-run';

const bytes = (sim: SimCluster, v: string): NewVersion => ({ payload: { kind: 'bytes', data: Buffer.from(v) }, ts: sim.clock.now(), expireAt: null });
const holding = (rec: VRecord | null, v: string) =>
  (rec?.siblings ?? []).filter((s) => s.payload.kind === 'bytes' && s.payload.data.toString() === v);

/** read the key with R=N through its first home replica, a few rounds, letting handoff run */
async function converge(sim: SimCluster, key: Buffer): Promise<Array<VRecord | null>> {
  const home = sim.preferenceList(key);
  for (let round = 0; round < 3; round++) {
    await drive(sim, sim.kv(sim.indexOf(home[0]!)).read(key, { r: 3 }), 2000);
    await sim.pass(1100);
  }
  const all = await sim.replicas(key);
  return home.map((id) => all[sim.indexOf(id)]!);
}

/** the first key whose home replicas do not include node `i` */
function keyNotOn(sim: SimCluster, i: number): Buffer {
  for (let n = 0; ; n++) {
    const key = Buffer.from(`key-${n}`);
    if (!sim.preferenceList(key).includes(sim.ids[i]!)) return key;
  }
}

describe('faults in-process: regressions found by the fault suite', function () {
  this.timeout(10_000);

  // fault suite, 5 nodes, seeds 1004 1006 1013 1019: a value stored under two or three dots. A
  // write through a live node must succeed (always writable), so a hop that got no answer is
  // coordinated by the key's next node; the copies are siblings with one value, and a write that
  // read the key replaces them all: the duplicate never outlives the next read-then-write.
  it('a forwarded write whose reply is lost succeeds through the next coordinator, and the next read-then-write replaces every copy', async () => {
    const sim = await SimCluster.start({ nodes: 5, seed: 11 });
    try {
      await sim.settle();
      const key = keyNotOn(sim, 0);
      const first = await drive(sim, sim.kv(0).write(key, null, bytes(sim, 'first')), 5000);
      const ctx = first.done && 'value' in first ? first.value.vv : null;
      expect(ctx, 'the first write acknowledged').to.not.equal(null);
      let dropped = false;
      sim.network.onMessage((m) => {
        if (dropped || m.type !== MessageType.COORDINATE_WRITE || m.kind !== FrameKind.RESPONSE) return true;
        dropped = true; // the first coordinator stored the write; its answer is lost
        return false;
      });
      const res = await drive(sim, sim.kv(0).write(key, ctx, bytes(sim, 'once')), 5000);
      expect(dropped, 'the reply was dropped').to.equal(true);
      expect(res.done && 'value' in res, 'the write succeeded').to.equal(true);
      let home = await converge(sim, key);
      for (const rec of home) expect(holding(rec, 'once').length, 'versions holding the one write').to.be.within(1, 2);
      // a client that reads and writes with the context it read replaces both copies
      const read = await drive(sim, sim.kv(0).read(key), 5000);
      const seen = read.done && 'value' in read ? read.value.vv : null;
      expect(seen).to.not.equal(null);
      const next = await drive(sim, sim.kv(0).write(key, seen, bytes(sim, 'next')), 5000);
      expect(next.done && 'value' in next, 'the next write succeeded').to.equal(true);
      home = await converge(sim, key);
      for (const rec of home) {
        expect(holding(rec, 'once'), 'copies left').to.have.length(0);
        expect(holding(rec, 'next'), 'the next write').to.have.length(1);
      }
    } finally {
      await sim.stop();
    }
  });

  // found while writing the above: the forwarded context of a missing key is refused by the peer
  it('a VSET with the empty context of a missing key succeeds through a node that forwards it', async () => {
    const sim = await SimCluster.start({ nodes: 5, seed: 11 });
    try {
      await sim.settle();
      const key = keyNotOn(sim, 0);
      const res = await drive(sim, sim.kv(0).write(key, new Map(), bytes(sim, 'fresh')), 5000);
      expect(res.done && 'error' in res ? res.error.message : 'ok').to.equal('ok');
    } finally {
      await sim.stop();
    }
  });

  // fault suite, 5 nodes, seed 1014: a restarted node acknowledged writes alone, kept them for good
  it('a restarted node that has not yet heard from its peers acknowledges no write the key\'s replicas never get', async () => {
    const sim = await SimCluster.start({ nodes: 5, seed: 7 });
    try {
      await sim.settle();
      const key = keyNotOn(sim, 2);
      sim.crash(2);
      await sim.pass(500);
      await sim.restart(2);
      sim.isolate(2); // before its first gossip round reaches anyone
      const res = await drive(sim, sim.kv(2).write(key, null, bytes(sim, 'alone')), 5000);
      sim.heal();
      await sim.settle();
      const home = await converge(sim, key);
      if (res.done && 'value' in res) {
        for (const rec of home) expect(holding(rec, 'alone'), 'the acknowledged write on a home replica').to.have.length(1);
      } else {
        expect(res.done, 'the write settled').to.equal(true);
      }
    } finally {
      await sim.stop();
    }
  });

  // fault suite, 5 nodes, seed 40119: two nodes restarted while partitioned from the rest, each
  // knowing only itself and the other, took themselves for the home replicas of every key; a
  // write one of them could not replicate (not acknowledged) stayed on it alone for good, with no
  // hint for the real home replicas
  it('a restarted node routes by the members it knew (kept in its store), so a write it takes as a fallback is hinted home', async () => {
    const sim = await SimCluster.start({ nodes: 5, seed: 7 });
    try {
      await sim.settle();
      const key = keyNotOn(sim, 2);
      const home = sim.preferenceList(key);
      sim.crash(2);
      await sim.pass(500);
      await sim.restart(2);
      sim.isolate(2); // it hears from nobody: only its store can tell it the cluster
      expect(sim.member(2).membership.memberCount(), 'members on the restarted node\'s ring').to.equal(5);
      expect(sim.member(2).membership.ring().checksum).to.equal(sim.member(0).membership.ring().checksum);
      const res = await drive(sim, sim.kv(2).write(key, null, bytes(sim, 'stray')), 5000);
      expect(res.done, 'the write settled').to.equal(true);
      sim.heal();
      await sim.settle();
      const recs = await converge(sim, key);
      const onTwo = (await sim.replicas(key))[2]!;
      // the write reached no home replica (not acknowledged), but the fallback kept a copy...
      expect(holding(onTwo, 'stray'), 'the copy on the restarted node').to.have.length(1);
      // ...and handed it to every home replica
      for (const [i, rec] of recs.entries()) expect(holding(rec, 'stray'), `on ${home[i]}`).to.have.length(1);
    } finally {
      await sim.stop();
    }
  });
  // the fault suite's OS-crash shape, 5 nodes: a node that lost its unsynced writes to an OS crash
  // gave their dots to new writes when it signed with its old name (lib/node-epoch.ts). Found with
  // seed 1003; since a node just restarted reads a key before its plain writes (which gives them
  // dots above the cluster's), 1003 no longer shows it without epochs, and seed 1009 does.
  it('after an OS crash a node signs in a new epoch, so no two acknowledged writes share a dot', async () => {
    const shape: SimShape = { ...FIVE_NODES, osCrashes: 1 };
    const without = await runSimSchedule(1009, { ...shape, epochs: false });
    expect(without.nemesis.counts.oscrash, 'the schedule has its OS crash').to.equal(1);
    expect(without.verdict.anomalies.map((a) => a.kind), 'the same node name after the crash').to.include('dot-reused');
    const withEpochs = await runSimSchedule(1009, shape);
    expect(withEpochs.verdict.anomalies, 'with epochs').to.deep.equal([]);
    expect(withEpochs.rounds, 'converged').to.be.greaterThan(0);
  });
});
