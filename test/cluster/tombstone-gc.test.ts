/**
 * Tombstone GC (DESIGN §5): a dead record is reaped only after the grace period, only when every
 * member holds nothing or the delete itself and no node keeps a hint for the key; a replica that
 * missed the delete (partitioned, or restarted from old data) or a fallback's leftover copy holds
 * everyone back until it has the tombstone, which the GC check hands it; nothing deleted comes
 * back, and a key written again after its record was reaped gets dots above every counter it had
 * before.
 */
import { expect } from 'chai';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import { SimCluster } from './sim-cluster';
import { bytes, key, tombstone, values } from './helpers';

const GRACE = 5_000;
const AE = 1_000;

async function enableAntiEntropy(c: SimCluster): Promise<void> {
  for (let i = 0; i < c.ids.length; i++) if (!c.isCrashed(i)) await c.member(i).antiEntropy.enable(AE);
}

/** every replica's record of each key is gone (no siblings, nothing stored) */
async function reapedEverywhere(c: SimCluster, keys: readonly Buffer[]): Promise<boolean> {
  for (const k of keys) for (const r of await c.replicas(k)) if (r !== null && (r.siblings.length > 0 || r.vv.size > 0)) return false;
  return true;
}

describe('cluster: tombstone GC (deletes that stay deleted)', function () {
  this.timeout(60_000);

  it('a tombstone every replica holds is kept through the grace period, then reaped everywhere; a key written again gets fresh dots', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 901, tombstoneGraceMs: GRACE });
    await c.settle();
    const keys = Array.from({ length: 20 }, (_, i) => key(`gc-${i}`));
    for (const k of keys) await c.run(c.kv(0).write(k, null, bytes(c, 'v')));
    const dels = [];
    for (const k of keys) dels.push(await c.run(c.kv(0).write(k, null, tombstone(c))));
    await c.pass(1_000);
    expect(await c.sweepAll(), 'reaped within the grace period').to.equal(0);
    for (const r of await c.replicas(keys[0]!)) expect(values(r)).to.deep.equal(['<del>']);
    await c.pass(GRACE);
    expect(await c.sweepAll()).to.equal(keys.length * 3);
    expect(await reapedEverywhere(c, keys)).to.equal(true);
    expect(c.member(0).gc.stats().tombstones_reaped).to.equal(keys.length);

    // written again through the same coordinator: its dot lies above the reaped record's
    const before = dels[0]!.vv.get('n0')!;
    const again = await c.run(c.kv(0).write(keys[0]!, null, bytes(c, 'again')));
    expect(again.siblings[0]!.dot.node).to.equal('n0');
    expect(again.siblings[0]!.dot.counter, 'new dot above the reaped counters').to.be.greaterThan(before);
    await c.pass(1_000);
    for (const r of await c.replicas(keys[0]!)) expect(values(r)).to.deep.equal(['again']);
    await c.stop();
  });

  it('a replica that missed the delete holds every replica back until it has the tombstone, which the GC check hands it; nothing comes back', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 902, hintedHandoff: false, tombstoneGraceMs: GRACE });
    await c.settle();
    const keys = Array.from({ length: 20 }, (_, i) => key(`missed-${i}`));
    for (const k of keys) await c.run(c.kv(0).write(k, null, bytes(c, 'alive')));
    await c.pass(500);
    const t = 2;
    c.isolate(t); // t keeps the live value and misses the delete
    await c.pass(1_000);
    for (const k of keys) await c.run(c.kv(0).write(k, null, tombstone(c)));
    await c.pass(GRACE);
    expect(await c.sweepAll(), 'reaped while a member is unreachable').to.equal(0);
    c.heal();
    await c.settle();
    expect(values((await c.replicas(keys[0]!))[t]!)).to.deep.equal(['alive']);
    // node 0's first check finds t holding what the delete replaced: it keeps its tombstone and
    // sends it to t, so the sweeps after it (node 0's next window, the other nodes') reap
    expect(await c.sweepNode(0), 'reaped while a member holds the live value').to.equal(0);
    expect(c.member(0).gc.stats().tombstones_kept).to.be.greaterThan(0);
    expect(c.member(0).gc.stats().tombstones_sent).to.equal(keys.length);
    await c.pass(100);
    for (const k of keys) expect(values((await c.replicas(k))[t]!)).to.deep.equal(['<del>']);
    await c.sweepAll();
    await c.sweepAll();
    expect(await reapedEverywhere(c, keys)).to.equal(true);
    await enableAntiEntropy(c);
    await c.pass(6 * AE); // further rounds and reads bring nothing back
    for (const k of keys) for (const r of await c.replicas(k)) expect(values(r)).to.deep.equal([]);
    for (let i = 0; i < 3; i++) expect(values(await c.run(c.kv(i).read(keys[3]!, { r: 3 })))).to.deep.equal([]);
    await c.stop();
  });

  it('a replica restarted from old data keeps the delete from being reaped until it took the tombstone', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 903, hintedHandoff: false, tombstoneGraceMs: GRACE });
    await c.settle();
    const keys = Array.from({ length: 10 }, (_, i) => key(`old-${i}`));
    for (const k of keys) await c.run(c.kv(0).write(k, null, bytes(c, 'before')));
    await c.pass(1_500);
    const t = 1;
    c.crash(t);
    await c.pass(1_000);
    for (const k of keys) await c.run(c.kv(0).write(k, null, tombstone(c)));
    await c.pass(GRACE);
    expect(await c.sweepAll(), 'reaped while a member is down').to.equal(0);
    await c.restart(t);
    await c.settle();
    expect(values((await c.replicas(keys[0]!))[t]!)).to.deep.equal(['before']);
    expect(await c.sweepNode(0), 'reaped while the restarted member holds the old value').to.equal(0);
    await c.pass(100);
    for (const k of keys) expect(values((await c.replicas(k))[t]!), 'the check handed t the delete').to.deep.equal(['<del>']);
    await c.sweepAll();
    await c.sweepAll();
    expect(await reapedEverywhere(c, keys)).to.equal(true);
    await enableAntiEntropy(c);
    await c.pass(6 * AE);
    for (const k of keys) expect(values(await c.run(c.kv(t).read(k, { r: 3 })))).to.deep.equal([]);
    await c.stop();
  });

  it("a fallback's leftover copy of a write it coordinated gets the delete from the GC check, and the key is reaped everywhere", async () => {
    const c = await SimCluster.start({ nodes: 5, seed: 905, tombstoneGraceMs: GRACE });
    await c.settle();
    const k = key('leftover');
    const pref = c.preferenceList(k);
    const f = c.ids.findIndex((id) => !pref.includes(id));
    // coordinated outside the key's list (a forwarder took f for a fallback): f keeps its copy
    // after handing it over, and no anti-entropy exchange reaches a node outside the list
    await c.run(c.kv(f).write(k, null, bytes(c, 'v1'), undefined, true));
    await c.pass(4_000);
    expect(c.member(f).hints?.stats().pending).to.equal(0);
    expect(values((await c.replicas(k))[f]!)).to.deep.equal(['v1']);
    await c.run(c.kv(c.indexOf(pref[0]!)).write(k, null, tombstone(c)));
    await c.pass(1_000 + GRACE);
    for (const id of pref) expect(values((await c.replicas(k))[c.indexOf(id)]!), id).to.deep.equal(['<del>']);
    expect(values((await c.replicas(k))[f]!), 'the leftover still live').to.deep.equal(['v1']);
    await c.sweepAll();
    await c.pass(100);
    await c.sweepAll();
    expect(c.ids.reduce((n, _, i) => n + c.member(i).gc.stats().tombstones_sent, 0), 'deletes sent').to.be.greaterThan(0);
    expect(await reapedEverywhere(c, [k]), 'reaped on every node, the leftover included').to.equal(true);
    expect(values(await c.run(c.kv(f).read(k, { r: 3 })))).to.deep.equal([]);
    await c.stop();
  });

  it('anti-entropy does not copy a tombstone past its grace back to a replica that reaped it', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 906, tombstoneGraceMs: GRACE });
    await c.settle();
    const keys = Array.from({ length: 10 }, (_, i) => key(`bounce-${i}`));
    for (const k of keys) await c.run(c.kv(0).write(k, null, bytes(c, 'v')));
    for (const k of keys) await c.run(c.kv(0).write(k, null, tombstone(c)));
    await c.pass(1_000 + GRACE);
    // node 0 alone sweeps: every member holds the tombstone, so it drops its own copies
    expect(await c.sweepNode(0)).to.equal(keys.length);
    await enableAntiEntropy(c);
    await c.pass(6 * AE);
    for (const k of keys) expect(values((await c.replicas(k))[0]!), 'node 0 after exchanges').to.deep.equal([]);
    for (const k of keys) expect((await c.replicas(k))[0]!.vv.size, 'nothing copied back to node 0').to.equal(0);
    expect(await c.sweepNode(1) + await c.sweepNode(2)).to.equal(2 * keys.length);
    expect(await reapedEverywhere(c, keys)).to.equal(true);
    await c.pass(6 * AE);
    expect(await reapedEverywhere(c, keys), 'nothing comes back').to.equal(true);
    await c.stop();
  });

  it('a tombstone is not reaped while any node keeps a hint for the key', async () => {
    const c = await SimCluster.start({ nodes: 4, seed: 904, tombstoneGraceMs: GRACE });
    await c.settle();
    const k = key('hinted');
    const pref = c.preferenceList(k);
    const t = c.indexOf(pref[2]!);
    const via = c.indexOf(pref[0]!);
    c.isolate(t); // t misses the write and the delete; a fallback keeps them with a hint for t
    await c.pass(1_000);
    await c.run(c.kv(via).write(k, null, bytes(c, 'v')));
    await c.run(c.kv(via).write(k, null, tombstone(c)));
    const holders = () => c.ids.map((_, i) => i).filter((i) => i !== t && (c.member(i).hints?.count(c.ids[t]!) ?? 0) > 0);
    expect(holders().length, 'nodes holding a hint for t').to.be.greaterThan(0);
    // the hints cannot be delivered: writes to t are lost
    let blocked = true;
    const write = (type: number) => type === MessageType.REPLICA_WRITE || type === MessageType.REPLICA_WRITE_BATCH;
    c.network.onMessage((m) => !(blocked && m.kind === FrameKind.REQUEST && write(m.type) && m.to === c.address(t)));
    c.heal();
    await c.settle();
    await c.pass(GRACE);
    expect(await c.sweepAll(), 'reaped while a hint is pending').to.equal(0);
    expect(values((await c.replicas(k))[via]!)).to.deep.equal(['<del>']);
    blocked = false;
    await c.pass(10_000);
    expect(holders(), 'hints delivered').to.deep.equal([]);
    await c.sweepAll();
    await c.pass(1_000);
    await c.sweepAll();
    for (const r of await c.replicas(k)) expect(r === null || r.siblings.length === 0, 'reaped once the hints were delivered').to.equal(true);
    await c.stop();
  });
});
