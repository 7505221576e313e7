/**
 * Dynamo §4.7 (replica synchronization): with hinted handoff off and no client reads, Merkle-tree
 * anti-entropy alone brings a replica that missed writes and deletes up to date; replicas in sync
 * exchange only tree hashes; a delete is never undone.
 */
import { expect } from 'chai';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import { recordsEqual } from '../../lib/versioning';
import { SimCluster } from './sim-cluster';
import { bytes, key, tombstone, values } from './helpers';

const INTERVAL = 1_000;
const READS: ReadonlySet<number> = new Set([MessageType.REPLICA_READ, MessageType.COORDINATE_READ, MessageType.REPLICA_SCAN]);

/** request counts per message type from now on */
function countRequests(c: SimCluster): Map<number, number> {
  const seen = new Map<number, number>();
  c.network.onMessage((m) => {
    if (m.kind === FrameKind.REQUEST) seen.set(m.type, (seen.get(m.type) ?? 0) + 1);
  });
  return seen;
}

async function startCluster(seed: number): Promise<SimCluster> {
  const c = await SimCluster.start({ nodes: 3, seed, hintedHandoff: false });
  await c.settle();
  return c;
}

async function enableAll(c: SimCluster): Promise<void> {
  for (let i = 0; i < c.ids.length; i++) await c.member(i).antiEntropy.enable(INTERVAL);
}

/** keys on which the replicas' records differ */
async function divergent(c: SimCluster, keys: readonly Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for (const k of keys) {
    const [a, ...rest] = await c.replicas(k);
    if (rest.some((r) => !recordsEqual(a!, r!))) out.push(k.toString());
  }
  return out;
}

describe('cluster: anti-entropy (Dynamo §4.7)', function () {
  this.timeout(60_000);

  it('with hinted handoff off and no client reads, a replica that missed 200 writes and 50 deletes is brought up to date by anti-entropy alone', async () => {
    for (const seed of [801, 802]) {
      const c = await startCluster(seed);
      await enableAll(c);
      const t = 2;
      c.isolate(t);
      await c.pass(1_000);
      const keys = Array.from({ length: 200 }, (_, i) => key(`ae-${seed}-${i}`));
      for (const k of keys) await c.run(c.kv(0).write(k, null, bytes(c, `v-${k.toString()}`)));
      for (const k of keys.slice(0, 50)) await c.run(c.kv(1).write(k, null, tombstone(c)));
      expect(values((await c.replicas(keys[100]!))[t]!), `seed ${seed}: missed while isolated`).to.deep.equal([]);
      expect((await divergent(c, keys)).length, `seed ${seed}`).to.equal(200);

      const requests = countRequests(c);
      c.heal();
      await c.settle();
      await c.pass(5 * INTERVAL);
      expect(await divergent(c, keys), `seed ${seed}: keys still differing`).to.deep.equal([]);
      expect(values((await c.replicas(keys[0]!))[t]!), `seed ${seed}`).to.deep.equal(['<del>']);
      expect(values((await c.replicas(keys[199]!))[t]!), `seed ${seed}`).to.deep.equal([`v-${keys[199]!.toString()}`]);
      expect([...READS].map((ty) => requests.get(ty) ?? 0), `seed ${seed}: no reads`).to.deep.equal([0, 0, 0]);
      const pulledByT = c.member(t).antiEntropyStats().keys_pulled;
      const pushedToT = c.member(0).antiEntropyStats().keys_pushed + c.member(1).antiEntropyStats().keys_pushed;
      expect(pulledByT + pushedToT, `seed ${seed}: keys repaired into ${c.ids[t]}`).to.equal(200);
      await c.stop();
    }
  });

  it('replicas already in sync exchange only roots (no leaves, no keys, no records)', async () => {
    const c = await startCluster(811);
    for (let i = 0; i < 100; i++) await c.run(c.kv(i % 3).write(key(`sync-${i}`), null, bytes(c, `v${i}`)));
    await c.pass(1_000);
    await enableAll(c);
    const requests = countRequests(c);
    await c.pass(6 * INTERVAL);
    expect(requests.get(MessageType.AE_ROOT) ?? 0).to.be.greaterThan(6);
    for (const ty of [MessageType.AE_PARTITION_HASHES, MessageType.AE_SLOT_HASHES, MessageType.AE_KEYS, MessageType.AE_SYNC]) {
      expect(requests.get(ty) ?? 0, MessageType[ty]).to.equal(0);
    }
    for (let i = 0; i < 3; i++) expect(c.member(i).antiEntropyStats()).to.include({ keys_pushed: 0, keys_pulled: 0 });
    await c.stop();
  });

  it('anti-entropy never resurrects a deleted key: a replica holding the old value takes the tombstone', async () => {
    const c = await startCluster(821);
    await enableAll(c);
    const keys = Array.from({ length: 30 }, (_, i) => key(`del-${i}`));
    for (const k of keys) await c.run(c.kv(0).write(k, null, bytes(c, 'alive')));
    await c.pass(500);
    const t = 1;
    c.isolate(t); // t keeps the live value, misses the delete
    await c.pass(1_000);
    for (const k of keys) await c.run(c.kv(0).write(k, null, tombstone(c)));
    expect(values((await c.replicas(keys[0]!))[t]!)).to.deep.equal(['alive']);
    c.heal();
    await c.settle();
    await c.pass(6 * INTERVAL);
    for (const k of keys) expect(values((await c.replicas(k)).map((r) => r!)[0]!)).to.deep.equal(['<del>']);
    expect(await divergent(c, keys)).to.deep.equal([]);
    await c.pass(4 * INTERVAL); // further rounds change nothing
    for (const k of keys) for (const r of await c.replicas(k)) expect(values(r)).to.deep.equal(['<del>']);
    expect((await c.run(c.kv(t).read(keys[3]!))).siblings.map((s) => s.payload.kind)).to.deep.equal(['tombstone']);
    await c.stop();
  });

  it('a replica restarted from old data builds its tree from its store and takes the deletes it missed', async () => {
    const c = await startCluster(841);
    await enableAll(c);
    const keys = Array.from({ length: 20 }, (_, i) => key(`old-${i}`));
    for (const k of keys) await c.run(c.kv(0).write(k, null, bytes(c, 'before')));
    await c.pass(1_500); // on every replica, and synced to t's store
    const t = 2;
    c.crash(t);
    await c.pass(1_000);
    for (const k of keys) await c.run(c.kv(0).write(k, null, tombstone(c)));
    await c.restart(t);
    await c.member(t).antiEntropy.enable(INTERVAL);
    await c.settle();
    expect(values((await c.replicas(keys[0]!))[t]!)).to.deep.equal(['before']);
    await c.pass(6 * INTERVAL);
    expect(await divergent(c, keys)).to.deep.equal([]);
    for (const k of keys) expect(values((await c.replicas(k))[t]!)).to.deep.equal(['<del>']);
    await c.stop();
  });

  it('expired values do not make replicas look different: no records move for them', async () => {
    const c = await startCluster(831);
    for (let i = 0; i < 40; i++) {
      await c.run(c.kv(0).write(key(`ttl-${i}`), null, { ...bytes(c, 'short'), expireAt: c.clock.now() + 500 }));
    }
    await c.pass(2_000); // all expired now
    await enableAll(c);
    const requests = countRequests(c);
    await c.pass(4 * INTERVAL);
    expect(requests.get(MessageType.AE_SYNC) ?? 0).to.equal(0);
    await c.stop();
  });
});
