/**
 * Commands that read a key and then write it run on the key's first healthy replica, so the
 * same command sent through different nodes at once behaves as it does on one Redis: one SET NX
 * wins, no APPEND or INCRBYFLOAT is lost, every GETSET sees a different old value. Real
 * processes, one ioredis client per node (as an application behind a load balancer would be).
 */
import { expect } from 'chai';
import Redis from 'ioredis';
import { formedCluster, waitFor } from './cluster-harness-procs';

describe('read-modify-write commands through several nodes at once (real processes)', function () {
  this.timeout(90000);
  const cluster = formedCluster(3);
  let cs: Redis[];
  before(() => {
    cs = [0, 1, 2].map((i) => cluster().client(i));
  });

  it('SET NX has exactly one winner per key', async () => {
    let twice = 0;
    for (let round = 0; round < 60; round++) {
      const k = `lock:${round}`;
      const res = await Promise.all(cs.flatMap((c, i) => [c.set(k, `a${i}`, 'PX', 30000, 'NX'), c.set(k, `b${i}`, 'PX', 30000, 'NX')]));
      const won = res.filter((x) => x === 'OK').length;
      if (won !== 1) twice++;
      const winner = ['a0', 'b0', 'a1', 'b1', 'a2', 'b2'][res.indexOf('OK')];
      for (const c of cs) {
        expect(await c.get(k), k).to.equal(winner);
        expect(((await c.call('VGET', k)) as string[]).slice(1), k).to.deep.equal([winner]);
      }
    }
    expect(twice, 'rounds without exactly one winner').to.equal(0);
  });

  it('a forwarded command whose reply is nil runs once: GETSET and SET GET of a missing key, a lock taken and released in turns', async () => {
    for (let i = 0; i < 30; i++) {
      const c = cs[i % 3]!;
      expect(await c.getset(`rmw:nil:${i}`, 'g1'), `GETSET ${i}`).to.equal(null);
      expect(await c.set(`rmw:nilget:${i}`, 'v', 'GET'), `SET GET ${i}`).to.equal(null);
      expect(await c.get(`rmw:nilget:${i}`)).to.equal('v');
    }
    // each client takes the lock (SET NX), checks it holds it, and releases it (DEL)
    let overlaps = 0;
    let wins = 0;
    const until = Date.now() + 3000;
    await Promise.all(cs.map(async (c, i) => {
      while (Date.now() < until) {
        if ((await c.set('rmw:turns', `c${i}`, 'NX')) !== 'OK') continue;
        wins++;
        if ((await c.get('rmw:turns')) !== `c${i}`) overlaps++;
        await c.del('rmw:turns');
      }
    }));
    expect(wins).to.be.greaterThan(10);
    expect(overlaps, `of ${wins} turns`).to.equal(0);
  });

  it('no APPEND, INCRBYFLOAT or GETSET is lost, and no sibling is left', async () => {
    await Promise.all(cs.flatMap((c, i) => Array.from({ length: 60 }, () => c.append('rmw:ap', String(i)))));
    await Promise.all(cs.flatMap((c) => Array.from({ length: 60 }, () => c.incrbyfloat('rmw:fl', '0.5'))));
    await cs[0]!.set('rmw:gs', 'init');
    const olds = await Promise.all(cs.flatMap((c, i) => Array.from({ length: 40 }, (_, j) => c.getset('rmw:gs', `${i}-${j}`))));
    const ap = (await cs[1]!.get('rmw:ap'))!;
    expect(ap.length).to.equal(180);
    for (const d of ['0', '1', '2']) expect(ap.split('').filter((x) => x === d).length, d).to.equal(60);
    expect(await cs[2]!.get('rmw:fl')).to.equal('90');
    expect(new Set(olds).size, 'distinct old values GETSET returned').to.equal(120);
    for (const k of ['rmw:ap', 'rmw:fl', 'rmw:gs']) expect((await cs[0]!.call('VGET', k) as string[]).length, k).to.equal(2);
  });

  it('a forwarded command answers as it would where it ran: errors, nil, RESP3 types, the connection quorum', async () => {
    for (const c of cs) {
      expect(await c.set('rmw:e', 'v', 'EX', 'abc', 'NX').catch((e: Error) => e.message)).to.equal('ERR value is not an integer or out of range');
      expect(await c.set('rmw:missing', 'v', 'XX')).to.equal(null);
      expect(await c.getdel('rmw:missing')).to.equal(null);
      expect(await c.expire('rmw:missing', 10)).to.equal(0);
    }
    const r3 = cluster().client(1);
    await r3.call('HELLO', '3');
    expect(await r3.call('SET', 'rmw:3', 'x', 'NX', 'GET')).to.equal(null);
    expect(await r3.call('SET', 'rmw:3', 'y', 'GET')).to.equal('x');
    expect(await r3.call('QUORUM', '3', '3')).to.equal('OK');
    expect(await r3.call('GETSET', 'rmw:3', 'z')).to.equal('y');
    let forwarded = 0;
    for (const n of cluster().nodes) forwarded += await n.infoNumber('forwarded_requests');
    expect(forwarded, 'commands run on another node').to.be.greaterThan(0);
  });

  it('with the first replica of a key down, the next one runs its commands', async () => {
    const slots = (await cs[0]!.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, string]]>;
    const slot = Number(await cs[0]!.call('CLUSTER', 'KEYSLOT', 'rmw:down'));
    const owner = slots.find(([from, to]) => slot >= from && slot <= to)![2][1];
    const i = cluster().nodes.findIndex((n) => n.port === owner);
    await cluster().nodes[i]!.kill9();
    const others = cs.filter((_, j) => j !== i);
    // a command sent on the dead node's connection as it closes may or may not have run there
    // (NOQUORUM); once the others route around it, the next replica runs them
    const master = async (c: Redis) => ((await c.call('CLUSTER', 'SLOTS')) as typeof slots).find(([from, to]) => slot >= from && slot <= to)![2][1];
    await waitFor('the others to route around the dead node', async () => (await Promise.all(others.map(master))).every((p) => p !== owner), 15000, 200);
    const res = await Promise.all(others.flatMap((c) => [c.set('rmw:down', 'x', 'NX'), c.append('rmw:down2', 'y')]));
    expect(res.filter((x) => x === 'OK').length).to.equal(1);
    expect(await others[0]!.get('rmw:down2')).to.equal('yy');
  });
});
