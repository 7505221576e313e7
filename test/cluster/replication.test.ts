/**
 * Dynamo §4.3 (replication), §4.5 (execution of get/put: quorums, coordinator, one hop) and
 * §4.6 (sloppy quorum), on a whole simulated cluster.
 */
import { expect } from 'chai';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import { applyWrite, decodeRecord, emptyRecord, encodeRecord, visible } from '../../lib/versioning';
import { pack, unpackObject } from '../../lib/coordinator/messages';
import { SimCluster } from './sim-cluster';
import { bytes, key, siblingOf, values } from './helpers';

/** the error a promise rejected with (fails when it resolved) */
async function rejectionOf(c: SimCluster, p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await c.run(p);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the request to fail, it succeeded');
}

describe('cluster: replication and quorums (Dynamo §4.3, §4.5, §4.6)', function () {
  // whole simulated clusters over many seeds: well under a second each here; room for slow CI
  this.timeout(15_000);

  it('every key is replicated to its N preference-list nodes and to no other node', async () => {
    const c = await SimCluster.start({ nodes: 5, seed: 11, replicas: 3 });
    await c.settle();
    const keys = Array.from({ length: 30 }, (_, i) => key(`key-${i}`));
    for (const [i, k] of keys.entries()) await c.run(c.kv(i % 5).write(k, null, bytes(c, `v${i}`)));
    await c.pass(100);
    for (const [i, k] of keys.entries()) {
      const pref = c.preferenceList(k);
      expect(pref).to.have.length(3);
      // every node computes the same preference list
      for (let j = 1; j < 5; j++) expect(c.preferenceList(k, 3, j)).to.deep.equal(pref);
      const held = (await c.replicas(k)).map((r) => values(r));
      for (const [j, id] of c.ids.entries()) {
        expect(held[j], `${k} on ${id} (preference list ${pref.join(',')})`).to.deep.equal(pref.includes(id) ? [`v${i}`] : []);
      }
    }
    await c.stop();
  });

  it('a write succeeds with one of three replicas down (W=2) and a read still answers (R=2)', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 12, writeQuorum: 2, readQuorum: 2 });
    await c.settle();
    c.crash(2);
    await c.run(c.kv(0).write(key('k'), null, bytes(c, 'v1')));
    expect((await c.replicas(key('k'))).map(values)).to.deep.equal([['v1'], ['v1'], ['<down>']]);
    const rec = await c.run(c.kv(1).read(key('k')));
    expect(visible(rec, c.clock.now())?.payload).to.deep.include({ kind: 'bytes' });
    expect(values(rec)).to.deep.equal(['v1']);
    await c.stop();
  });

  it('a W=2 write answers as soon as two replicas acknowledged, without waiting for an unreachable third', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 13, requestTimeout: 500 });
    await c.settle();
    c.isolate(2);
    const t0 = c.clock.now();
    await c.run(c.kv(0).write(key('k'), null, bytes(c, 'v1')));
    expect(c.clock.now() - t0).to.be.below(500);
    await c.stop();
  });

  it('with W=3 and a replica down the write fails with NOQUORUM, and nothing partial is reported as success', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 14, writeQuorum: 3 });
    await c.settle();
    c.crash(2);
    // the coordinator does not know yet: two acknowledge, the third is unreachable
    const first = await rejectionOf(c, c.kv(0).write(key('k'), null, bytes(c, 'v1')));
    expect(first.code).to.equal('NOQUORUM');
    expect(first.message).to.match(/needed 3 replicas, 2 of 3/);
    // now it suspects the node, but with too few healthy replicas it tries the suspect anyway
    // (one lost reply must not make writes fail); the dead node fails again, and the client is
    // told NOQUORUM although two replicas took the version (a failed write may be partly applied)
    const second = await rejectionOf(c, c.kv(0).write(key('k2'), null, bytes(c, 'v2')));
    expect(second.code).to.equal('NOQUORUM');
    expect(second.message).to.match(/needed 3 replicas, 2 of 3/);
    expect((await c.replicas(key('k2'))).map(values)).to.deep.equal([['v2'], ['v2'], ['<down>']]);
    // an isolated (silent) replica: the coordinator waits out the timeout, then says NOQUORUM
    await c.restart(2);
    await c.settle();
    c.isolate(1);
    const third = await rejectionOf(c, c.kv(0).write(key('k3'), null, bytes(c, 'v3')));
    expect(third.code).to.equal('NOQUORUM');
    expect(third.message).to.match(/TIMEOUT/);
    await c.stop();
  });

  it('a write with W=3 succeeds through a fallback node when a preference-list node is down (sloppy quorum)', async () => {
    const c = await SimCluster.start({ nodes: 5, seed: 15, writeQuorum: 3 });
    await c.settle();
    const k = key('sloppy');
    const pref = c.preferenceList(k);
    const coordinator = c.indexOf(pref[0]!);
    const down = c.indexOf(pref[2]!);
    c.crash(down);
    // the first attempt finds out the hard way; the second routes around the dead node
    await c.run(c.kv(coordinator).write(k, null, bytes(c, 'v0'))).catch(() => undefined);
    await c.run(c.kv(coordinator).write(k, null, bytes(c, 'v1')));
    const held = await c.replicas(k);
    const holders = c.ids.filter((_, j) => held[j] !== null && values(held[j]!).includes('v1'));
    expect(holders).to.have.length(3);
    expect(holders.filter((id) => !pref.includes(id))).to.have.length(1);
    await c.stop();
  });

  it('a request sent to a node outside the preference list is forwarded one hop to its first node', async () => {
    const c = await SimCluster.start({ nodes: 5, seed: 16, replicas: 3 });
    await c.settle();
    let k = key('fwd-0');
    for (let i = 1; c.preferenceList(k).includes('n0'); i++) k = key(`fwd-${i}`);
    const pref = c.preferenceList(k);
    const hops: string[] = [];
    c.network.onMessage((m) => {
      if (m.kind === FrameKind.REQUEST && (m.type === MessageType.COORDINATE_WRITE || m.type === MessageType.COORDINATE_READ)) {
        hops.push(`${m.fromId}>${m.to.split(':')[0]}`);
      }
    });
    const rec = await c.run(c.kv(0).write(k, null, bytes(c, 'v1')));
    // the coordinator is the preference list's first node, and it made the version
    expect(siblingOf(rec, 'v1').dot.node).to.equal(pref[0]);
    const read = await c.run(c.kv(0).read(k));
    expect(values(read)).to.deep.equal(['v1']);
    expect(hops).to.deep.equal([`n0>${pref[0]}`, `n0>${pref[0]}`]);
    expect(c.kv(0).stats.forwarded).to.equal(2);
    await c.pass(100);
    expect(values(await c.kv(0).localRecord(k))).to.deep.equal([]);
    await c.stop();
  });

  it('a forwarded request whose quorum fails reports the coordinator\'s NOQUORUM after one hop, and nothing is written twice', async () => {
    for (let seed = 160; seed < 170; seed++) {
      const c = await SimCluster.start({ nodes: 5, seed, writeQuorum: 3, requestTimeout: 200 });
      await c.settle();
      c.delay(1, 5);
      let k = key('slow-0');
      for (let i = 1; c.preferenceList(k).includes('n0'); i++) k = key(`slow-${i}`);
      const pref = c.preferenceList(k);
      const hops: string[] = [];
      c.network.onMessage((m) => {
        if (m.kind === FrameKind.REQUEST && (m.type === MessageType.COORDINATE_WRITE || m.type === MessageType.COORDINATE_READ)) hops.push(m.to.split(':')[0]!);
      });
      // the coordinator is healthy; one of its replicas is silent, so it waits out its own timeout
      c.isolate(c.indexOf(pref[2]!));
      const w = await rejectionOf(c, c.kv(0).write(k, null, bytes(c, 'x')));
      expect(w.code, `seed ${seed}`).to.equal('NOQUORUM');
      expect(w.message, `seed ${seed}`).to.match(/write needed 3 replicas, 2 of 3/);
      expect(hops, `seed ${seed}`).to.deep.equal([pref[0]]);
      // the healthy coordinator was not taken for dead, and only it made a version
      expect(c.member(0).membership.isUp(pref[0]!), `seed ${seed}`).to.equal(true);
      for (const rec of await c.replicas(k)) expect(rec!.siblings.every((s) => s.dot.node === pref[0]), `seed ${seed}`).to.equal(true);
      expect((await c.replicas(k)).filter((rec) => values(rec).length > 0), `seed ${seed}`).to.have.length(2);
      await c.stop();
    }
  });

  it('replicas of a key are spread over zones when there are enough zones', async () => {
    const c = await SimCluster.start({ nodes: 5, seed: 17, zones: ['a', 'b', 'c'] });
    await c.settle();
    const zoneOf = (id: string) => ['a', 'b', 'c'][c.indexOf(id) % 3];
    for (let i = 0; i < 200; i++) {
      const zones = new Set(c.preferenceList(key(`z${i}`)).map(zoneOf));
      expect(zones.size, `zones of z${i}`).to.equal(3);
    }
    await c.stop();
  });
  it('a REPLICA_WRITE_BATCH lands every write, one malformed write gets it refused whole; a REPLICA_READ_BATCH answers each key', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 21, replicas: 3 });
    await c.settle();
    const rec = (v: string) => encodeRecord(applyWrite(emptyRecord(), new Map(), c.ids[0]!, bytes(c, v), 0));
    const send = (body: object) => c.run(c.member(0).transport.request(c.address(1), MessageType.REPLICA_WRITE_BATCH, pack(body), 1000));
    const [a, b, d] = [key('batch-a'), key('batch-b'), key('batch-d')];
    expect(unpackObject(await send({ k: [a, b], r: [rec('va'), rec('vb')], h: [null, null] }))).to.deep.equal({});
    expect(values((await c.replicas(a))[1]!)).to.deep.equal(['va']);
    expect(values((await c.replicas(b))[1]!)).to.deep.equal(['vb']);
    const refused = await rejectionOf(c, send({ k: [d, a], r: [rec('vd'), Buffer.from('not a record')], h: [null, null] }));
    expect(refused.code).to.equal('REMOTE_ERROR');
    expect(values((await c.replicas(d))[1]!), 'the valid write of the refused batch').to.deep.equal([]);
    await rejectionOf(c, send({ k: [d], r: [rec('vd'), rec('ve')], h: [null] }));
    expect(values((await c.replicas(d))[1]!)).to.deep.equal([]);
    // REPLICA_READ_BATCH: each key's record as stored (an empty one for a key it lacks)
    const read = (body: object) => c.run(c.member(0).transport.request(c.address(1), MessageType.REPLICA_READ_BATCH, pack(body), 1000));
    const got = unpackObject(await read({ k: [a, d, b] })).r as Buffer[];
    expect(got.map((r) => values(decodeRecord(r)))).to.deep.equal([['va'], [], ['vb']]);
    expect((await rejectionOf(c, read({ k: 'not a list' }))).code).to.equal('REMOTE_ERROR');
  });
});
