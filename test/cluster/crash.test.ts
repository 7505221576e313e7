/**
 * Dynamo §4.1/§5 (durability): a replica acknowledges a write only once its store applied it,
 * so a node that crashes and restarts from its disk still holds everything it acknowledged —
 * and the simulated cluster replays such a run exactly for a seed.
 */
import { expect } from 'chai';
import { buf, unpackObject } from '../../lib/coordinator/messages';
import { writeFailures } from '../../lib/coordinator/replica-requests';
import { FrameKind } from '../../lib/transport/frame';
import { MessageType } from '../../lib/transport/message-type';
import { randomInt } from '../../lib/util/rng';
import { decodeRecord, encodeRecord, mergeRecords, recordsEqual } from '../../lib/versioning';
import type { VRecord } from '../../lib/versioning/types';
import { SimCluster } from './sim-cluster';
import { bytes, key, values } from './helpers';

const SEEDS = Array.from({ length: 10 }, (_, i) => 300 + i);
const VICTIM = 1;

interface Ack {
  readonly key: Buffer;
  readonly record: VRecord;
}

/** every record node `victim` acknowledged to a REPLICA_WRITE (alone or in a batch), seen on the wire */
function watchAcks(c: SimCluster, victim: number): Ack[] {
  const asked = new Map<string, Ack[]>();
  const acked: Ack[] = [];
  const at = c.address(victim);
  c.network.onMessage((m) => {
    const batch = m.type === MessageType.REPLICA_WRITE_BATCH;
    if (m.type !== MessageType.REPLICA_WRITE && !batch) return;
    if (m.kind === FrameKind.REQUEST && m.to === at) {
      const body = unpackObject(m.body);
      const writes = batch
        ? (body.k as Buffer[]).map((k, i) => ({ k, r: (body.r as Buffer[])[i] }))
        : [body];
      asked.set(`${m.from}#${m.requestId}`, writes.map((w) => ({ key: Buffer.from(buf(w, 'k')), record: decodeRecord(buf(w, 'r')) })));
    } else if (m.kind === FrameKind.RESPONSE && m.from === at) {
      const writes = asked.get(`${m.to}#${m.requestId}`) ?? [];
      const failures = batch ? writeFailures(m.body, writes.length) : null;
      writes.forEach((w, i) => {
        if ((failures?.[i] ?? null) === null) acked.push(w);
      });
    }
  });
  return acked;
}

/** a lossy workload with one crash and restart of VICTIM somewhere inside it */
async function crashScenario(seed: number): Promise<{ c: SimCluster; acked: Ack[] }> {
  const c = await SimCluster.start({ nodes: 3, seed, requestTimeout: 100 });
  await c.settle();
  const acked = watchAcks(c, VICTIM);
  c.delay(0, 20);
  c.dropRate(0.05);
  const keys = Array.from({ length: 12 }, (_, i) => key(`dur-${i}`));
  const crashAt = 3 + randomInt(c.rng, 10);
  for (let batch = 0; batch < 16; batch++) {
    if (batch === crashAt) c.clock.setTimer(randomInt(c.rng, 40), () => c.crash(VICTIM));
    const writes = Array.from({ length: 6 }, async (_, j) => {
      const node = randomInt(c.rng, 3);
      const k = keys[randomInt(c.rng, keys.length)]!;
      try {
        const rec = await c.kv(node).write(k, null, bytes(c, `s${seed}-b${batch}-${j}`));
        // the coordinator's own replica applied it before answering
        if (node === VICTIM) acked.push({ key: k, record: rec });
      } catch {
        // refused or failed: not acknowledged, nothing to check
      }
    });
    await c.run(Promise.all(writes));
    await c.pass(randomInt(c.rng, 50));
  }
  return { c, acked };
}

describe('cluster: crash and restart (Dynamo §4.1, §5)', function () {
  // whole simulated clusters over many seeds: well under a second each here; room for slow CI
  this.timeout(15_000);

  it('a crashed node restarted from its disk keeps what it acknowledged', async () => {
    for (const seed of SEEDS) {
      const { c, acked } = await crashScenario(seed);
      expect(c.isCrashed(VICTIM), `seed ${seed}: the crash happened`).to.equal(true);
      expect(acked.length, `seed ${seed}: the victim acknowledged writes before its crash`).to.be.above(0);
      await c.restart(VICTIM);
      // straight from disk, before any repair could add to it
      for (const a of acked) {
        const local = await c.kv(VICTIM).localRecord(a.key);
        expect(recordsEqual(mergeRecords(local, a.record), local), `seed ${seed}: ${a.key} lost ${values(a.record).join(',')}`).to.equal(true);
      }
      await c.stop();
    }
  });

  it('a restarted node rejoins with a new generation and serves reads and writes again', async () => {
    const c = await SimCluster.start({ nodes: 3, seed: 31 });
    await c.settle();
    await c.run(c.kv(0).write(key('back'), null, bytes(c, 'v1')));
    c.crash(2);
    await c.pass(1000);
    await c.restart(2);
    await c.settle();
    const gen = c.member(2).membership.member('n2')!.generation;
    for (const i of [0, 1]) expect(c.member(i).membership.member('n2')!.generation).to.equal(gen);
    expect(values(await c.run(c.kv(2).read(key('back'))))).to.deep.equal(['v1']);
    await c.run(c.kv(2).write(key('back'), null, bytes(c, 'v2')));
    await c.pass(100);
    expect((await c.replicas(key('back'))).map(values)).to.deep.equal([['v2'], ['v2'], ['v2']]);
    await c.stop();
  });

  it('a plain SET through a node just restarted replaces what the cluster holds, not only its own old copy', async () => {
    for (let seed = 140; seed < 145; seed++) {
      // neither handoff nor anti-entropy brings the restarted node up to date before the write
      const c = await SimCluster.start({ nodes: 3, seed, hintedHandoff: false });
      await c.settle();
      const k = key('restarted');
      await c.run(c.kv(0).write(k, null, bytes(c, 'old'), { w: 3 }));
      c.crash(2);
      await c.run(c.kv(0).write(k, null, bytes(c, 'new')));
      await c.restart(2);
      await c.settle();
      await c.run(c.kv(2).write(k, null, bytes(c, 'newer'), { w: 3 }));
      expect((await c.replicas(k)).map(values), `seed ${seed}`).to.deep.equal([['newer'], ['newer'], ['newer']]);
      await c.stop();
    }
  });

  it('a simulated run is exactly repeatable for a seed', async () => {
    const outcome = async (seed: number) => {
      const { c } = await crashScenario(seed);
      await c.restart(VICTIM);
      c.heal();
      await c.settle();
      const state: string[] = [];
      for (let i = 0; i < 12; i++) {
        for (const r of await c.replicas(key(`dur-${i}`))) state.push(r === null ? '-' : encodeRecord(r).toString('hex'));
      }
      const result = { trace: c.traceDigest(), time: c.clock.now(), state: state.join('|') };
      await c.stop();
      return result;
    };
    const a = await outcome(77);
    const b = await outcome(77);
    expect(b.trace).to.equal(a.trace);
    expect(b.time).to.equal(a.time);
    expect(b.state).to.equal(a.state);
    const other = await outcome(78);
    expect(other.trace).to.not.equal(a.trace);
  });
});
