import { expect } from 'chai';
import { MemoryNetwork } from '../../lib/transport/memory-network';
import { MessageType } from '../../lib/transport/message-type';
import { ManualClock } from '../../lib/util/manual-clock';
import { mulberry32 } from '../../lib/util/rng';
import { rejection, transportCompliance, type ComplianceHarness, type ComplianceNode } from './transport-compliance';

/** Awaits `p` while stepping the manual clock 1 ms at a time (at most `maxMs`). */
async function settleOn<T>(clock: ManualClock, p: Promise<T>, maxMs = 100_000): Promise<T> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await clock.advance(0);
  for (let i = 0; i < maxMs && !done; i++) await clock.advance(1);
  return p;
}

function memoryHarness(): ComplianceHarness {
  const clock = new ManualClock(1_000_000);
  const net = new MemoryNetwork({ clock, rng: mulberry32(7) });
  net.delay(0, 3);
  const make = async (id: string, address: string): Promise<ComplianceNode> => {
    const transport = net.transport(id, address);
    await transport.start();
    return { id, address, transport };
  };
  return {
    node: (id) => make(id, `${id}:17000`),
    stop: async (n) => net.crash(n.address),
    restart: (n) => make(n.id, n.address),
    deadAddress: async () => 'nobody:17000',
    delay: (ms) => new Promise((resolve) => clock.setTimer(ms, resolve)),
    pass: (ms) => clock.advance(ms),
    settle: (p) => settleOn(clock, p),
    teardown: async () => undefined,
  };
}

transportCompliance('MemoryTransport', memoryHarness);

describe('MemoryNetwork faults', () => {
  interface Sim {
    clock: ManualClock;
    net: MemoryNetwork;
    nodes: Map<string, Awaited<ReturnType<typeof start>>>;
  }
  async function start(net: MemoryNetwork, id: string) {
    const t = net.transport(id, `${id}:1`);
    t.handle(MessageType.REPLICA_READ, (body) => Buffer.concat([Buffer.from(id), body]));
    await t.start();
    return t;
  }
  async function sim(seed: number): Promise<Sim> {
    const clock = new ManualClock(0);
    const net = new MemoryNetwork({ clock, rng: mulberry32(seed) });
    const nodes = new Map();
    for (const id of ['a', 'b', 'c']) nodes.set(id, await start(net, id));
    return { clock, net, nodes };
  }
  /** One request from `from` to `to`: its outcome and the manual time it took. */
  async function call(s: Sim, from: string, to: string, timeoutMs = 100): Promise<string> {
    const t0 = s.clock.now();
    const p = s.nodes.get(from)!.request(`${to}:1`, MessageType.REPLICA_READ, Buffer.from('!'), timeoutMs);
    try {
      const r = await settleOn(s.clock, p);
      return `${r.toString()} @${s.clock.now() - t0}`;
    } catch (err) {
      return `${(err as { code: string }).code} @${s.clock.now() - t0}`;
    }
  }

  it('a cut loses messages both ways until healed; other links keep working', async () => {
    const s = await sim(1);
    s.net.cut('a', 'b');
    expect(await call(s, 'a', 'b')).to.equal('TIMEOUT @100');
    expect(await call(s, 'b', 'a')).to.equal('TIMEOUT @100');
    expect(await call(s, 'a', 'c')).to.equal('c! @0');
    s.net.heal('b', 'a');
    expect(await call(s, 'a', 'b')).to.equal('b! @0');
  });

  it('isolate cuts a node from everyone, healAll restores it', async () => {
    const s = await sim(1);
    s.net.isolate('c');
    expect(await call(s, 'a', 'c')).to.equal('TIMEOUT @100');
    expect(await call(s, 'c', 'b')).to.equal('TIMEOUT @100');
    expect(await call(s, 'a', 'b')).to.equal('b! @0');
    s.net.healAll();
    expect(await call(s, 'c', 'b')).to.equal('b! @0');
  });

  it('a cut made while a message is in flight loses it', async () => {
    const s = await sim(1);
    s.net.delay(10);
    const p = s.nodes.get('a')!.request('b:1', MessageType.REPLICA_READ, Buffer.alloc(0), 100);
    await s.clock.advance(5);
    s.net.cut('a', 'b');
    expect((await rejection(settleOn(s.clock, p))).code).to.equal('TIMEOUT');
  });

  it('delay takes each message a whole number of ms within the range', async () => {
    const s = await sim(3);
    s.net.delay(10, 20);
    for (let i = 0; i < 20; i++) {
      const [reply, at] = (await call(s, 'a', 'b')).split(' @');
      expect(reply).to.equal('b!');
      expect(Number(at)).to.be.within(20, 40);
    }
  });

  it('crash makes a node refuse (UNREACHABLE), restart brings it back', async () => {
    const s = await sim(1);
    s.net.crash('b');
    expect(await call(s, 'a', 'b')).to.equal('UNREACHABLE @0');
    s.net.restart('b');
    expect(await call(s, 'a', 'b')).to.equal('b! @0');
  });

  it('a reply already on the wire when its sender crashes still arrives', async () => {
    const s = await sim(1);
    s.net.delay(10);
    const p = s.nodes.get('a')!.request('b:1', MessageType.REPLICA_READ, Buffer.alloc(0), 100);
    await s.clock.advance(12); // request delivered at 10, reply in flight
    s.net.crash('b');
    s.net.restart('b');
    await s.clock.advance(5);
    expect((await settleOn(s.clock, p)).toString()).to.equal('b');
  });

  it('a reply a crashed node still owed is never sent, even after it restarts', async () => {
    const s = await sim(1);
    const slow = s.net.transport('slow', 'slow:1');
    slow.handle(MessageType.REPLICA_READ, () => new Promise((resolve) => s.clock.setTimer(20, () => resolve(Buffer.from('late')))));
    await slow.start();
    const p = s.nodes.get('a')!.request('slow:1', MessageType.REPLICA_READ, Buffer.alloc(0), 100);
    await s.clock.advance(10);
    s.net.crash('slow');
    s.net.restart('slow');
    expect((await rejection(settleOn(s.clock, p))).code).to.equal('TIMEOUT');
    expect(s.clock.now()).to.equal(100);
  });

  it('a crashed requester\'s waiting requests fail CLOSED', async () => {
    const s = await sim(1);
    s.net.delay(10);
    const p = s.nodes.get('a')!.request('b:1', MessageType.REPLICA_READ, Buffer.alloc(0), 100);
    s.net.crash('a');
    expect((await rejection(p)).code).to.equal('CLOSED');
  });

  it('the message hook sees every message and can drop it', async () => {
    const s = await sim(1);
    const seen: string[] = [];
    const remove = s.net.onMessage((m) => {
      seen.push(`${m.from}>${m.to}:${m.kind}`);
      return !(m.kind === 1 && m.from === 'b:1');
    });
    expect(await call(s, 'a', 'b')).to.equal('TIMEOUT @100');
    expect(await call(s, 'a', 'c')).to.equal('c! @0');
    remove();
    expect(await call(s, 'a', 'b')).to.equal('b! @0');
    expect(seen).to.deep.equal(['a:1>b:1:0', 'b:1>a:1:1', 'a:1>c:1:0', 'c:1>a:1:1']);
  });

  it('drops and delays replay exactly for a seed, and differ for another seed', async () => {
    async function trace(seed: number): Promise<string[]> {
      const s = await sim(seed);
      s.net.dropRate(0.3);
      s.net.delay(1, 50);
      const out: string[] = [];
      for (let i = 0; i < 40; i++) out.push(await call(s, ['a', 'b', 'c'][i % 3]!, ['b', 'c', 'a'][i % 3]!, 120));
      return out;
    }
    const first = await trace(42);
    expect(await trace(42)).to.deep.equal(first);
    expect(await trace(43)).to.not.deep.equal(first);
    const lost = first.filter((o) => o.startsWith('TIMEOUT')).length;
    // Each request survives two 30% drops with p = 0.49: expect about 20 of 40 lost.
    expect(lost).to.be.within(8, 32);
  });

  it('dropRate(1) loses everything and dropRate(0) nothing', async () => {
    const s = await sim(5);
    s.net.dropRate(1);
    expect(await call(s, 'a', 'b')).to.equal('TIMEOUT @100');
    s.net.dropRate(0);
    expect(await call(s, 'a', 'b')).to.equal('b! @0');
    expect(s.net.stats.dropped).to.equal(1);
  });
});
