import { expect } from 'chai';
import { MemoryStore } from '../../lib/storage/memory-store';
import { RecordStore } from '../../lib/storage/record-store';
import { RecordCache } from '../../lib/storage/record-cache';
import { decodeRecord, encodeRecord, visible } from '../../lib/versioning';
import type { NewVersion, VRecord } from '../../lib/versioning/types';

const v = (s: string, ts = 1): NewVersion => ({ payload: { kind: 'bytes', data: Buffer.from(s) }, ts, expireAt: null });
const shown = (r: VRecord) => {
  const sib = visible(r, 0);
  return sib && sib.payload.kind === 'bytes' ? sib.payload.data.toString() : null;
};

for (const syncReads of [false, true]) describe(`RecordStore (${syncReads ? 'a store that reads at once' : 'reads in a later microtask'})`, () => {
  async function open(cacheBytes?: number) {
    const store = new MemoryStore({ tick: 'microtask', syncReads });
    await store.open();
    return { store, records: new RecordStore(store, cacheBytes) };
  }

  it('reaps a record only while it is the one expected, and new dots start above the reaped counters, also after a restart', async () => {
    const { store, records } = await open();
    const k = Buffer.from('dead');
    for (let i = 0; i < 5; i++) await records.coordinate(1, k, 'n1', null, v(`v${i}`, i + 1));
    const dead = await records.coordinate(1, k, 'n1', null, { payload: { kind: 'tombstone' }, ts: 9, expireAt: null });
    const other = await records.coordinate(1, Buffer.from('other'), 'n1', null, v('x'));
    expect(await records.reap(1, k, other, 'n1'), 'reaped although the record differs').to.equal(false);
    expect(await records.reap(1, k, dead, 'n1')).to.equal(true);
    expect((await records.get(1, k)).siblings).to.deep.equal([]);
    const again = await records.coordinate(1, k, 'n1', null, v('again'));
    expect(again.siblings[0]!.dot.counter).to.equal(dead.vv.get('n1')! + 1);
    // a new RecordStore on the same store (a restart) keeps the floor
    const restarted = new RecordStore(store);
    await restarted.loadDotFloor();
    const fresh = await restarted.coordinate(1, Buffer.from('never-written'), 'n1', null, v('y'));
    expect(fresh.siblings[0]!.dot.counter).to.equal(dead.vv.get('n1')! + 1);
  });

  it('getStored gives the bytes that decode to what get gives, cached or not, and null for a key it lacks', async () => {
    for (const cacheBytes of [undefined, 0]) {
      const { records } = await open(cacheBytes);
      const k = Buffer.from('k');
      await records.coordinate(7, k, 'n1', null, v('one'));
      const rec = await records.coordinate(7, k, 'n2', null, v('two'));
      const stored = await records.getStored(7, k);
      expect(stored).to.deep.equal(encodeRecord(rec));
      expect(decodeRecord(stored!)).to.deep.equal(await records.get(7, k));
      expect(await records.getStored(7, Buffer.from('never'))).to.equal(null);
    }
  });

  it('serves a hot key from the cache without reading the store, and keeps it coherent on writes', async () => {
    const { records } = await open();
    const k = Buffer.from('k');
    await records.coordinate(1, k, 'n1', null, v('a'));
    const misses = records.cache.misses;
    expect(shown(await records.get(1, k))).to.equal('a');
    expect(records.cache.misses).to.equal(misses);
    await records.coordinate(1, k, 'n1', null, v('b', 2));
    expect(shown(await records.get(1, k))).to.equal('b');
  });

  it('does not cache what a read saw when a write to the key landed meanwhile', async () => {
    const { records } = await open();
    const k = Buffer.from('race');
    await records.coordinate(1, k, 'n1', null, v('old'));
    records.cache.delete('race');
    // the read starts first, the write lands (microtask batches) before the read's continuation
    const read = records.get(1, k);
    const write = records.coordinate(1, k, 'n1', null, v('new', 2));
    await Promise.all([read, write]);
    expect(shown(await records.get(1, k))).to.equal('new');
  });

  it('writes of one key issued at once, cached or read from the store, each build on the one before', async () => {
    for (const cacheBytes of [undefined, 0]) {
      const { records } = await open(cacheBytes);
      const k = Buffer.from('busy');
      await records.coordinate(1, k, 'n1', null, v('first'));
      records.cache.delete('busy'); // the first of the burst reads the store, the rest wait for the lock
      const all = await Promise.all([2, 3, 4, 5].map((i) => records.coordinate(1, k, 'n1', null, v(`w${i}`, i))));
      expect(all.map((r) => r.siblings.length), `cache ${cacheBytes}`).to.deep.equal([1, 1, 1, 1]);
      expect(all.map((r) => r.siblings[0]!.dot.counter), `cache ${cacheBytes}`).to.deep.equal([2, 3, 4, 5]);
      expect(shown(await records.get(1, k))).to.equal('w5');
    }
  });

  it('caches a record read from the store, and a failed read rejects (never throws) for reads and writes', async () => {
    const { store, records } = await open();
    const k = Buffer.from('cold');
    await records.coordinate(1, k, 'n1', null, v('a'));
    records.cache.delete('cold');
    const misses = records.cache.misses;
    expect(shown(await records.get(1, k))).to.equal('a');
    expect(shown(await records.get(1, k))).to.equal('a');
    expect(records.cache.misses - misses, 'the second read is a hit').to.equal(1);
    records.cache.delete('cold');
    await store.close();
    for (const call of [() => records.get(1, k), () => records.getStored(1, k), () => records.coordinate(1, k, 'n1', null, v('b'))]) {
      let p: Promise<unknown> | undefined;
      expect(() => (p = call())).not.to.throw();
      const err = await p!.then(() => null, (e: unknown) => e);
      expect(err).to.have.property('code', 'STORE_NOT_OPEN');
    }
  });

  it('behaves the same with the cache disabled', async () => {
    const { records } = await open(0);
    const k = Buffer.from('k');
    await records.coordinate(1, k, 'n1', null, v('a'));
    expect(shown(await records.get(1, k))).to.equal('a');
    expect(records.cache.size).to.equal(0);
  });
});

describe('RecordCache', () => {
  it('stays within its byte bound, evicting the entries that came in longest ago', () => {
    const c = new RecordCache(100_000);
    const bytes = Buffer.alloc(100, 1);
    for (let i = 0; i < 1000; i++) c.set(`key${i}`, bytes);
    expect(c.usedBytes).to.be.at.most(100_000);
    expect(c.size).to.be.within(100, 999);
    expect(c.get('key999')).to.deep.equal(bytes);
    expect(c.get('key0')).to.equal(undefined);
  });

  it('updates a cached key in place: its bytes are accounted anew and it keeps its place in line', () => {
    const entry = (v: number) => 'kX'.length + v + 150; // key + stored bytes + per-entry overhead
    const c = new RecordCache(10 * entry(100));
    for (let i = 0; i < 10; i++) c.set(`k${i}`, Buffer.alloc(100, i));
    expect(c.usedBytes).to.equal(10 * entry(100));
    c.set('k0', Buffer.alloc(90, 7)); // rewritten: smaller now, still the oldest
    expect(c.usedBytes).to.equal(9 * entry(100) + entry(90));
    expect(c.get('k0')).to.deep.equal(Buffer.alloc(90, 7));
    c.set('kA', Buffer.alloc(100, 10)); // over the bound: the oldest goes, which is k0
    expect(c.get('k0')).to.equal(undefined);
    expect(c.get('k1')).to.deep.equal(Buffer.alloc(100, 1));
    expect(c.get('kA')).to.deep.equal(Buffer.alloc(100, 10));
    expect(c.usedBytes).to.be.at.most(10 * entry(100));
  });

  it('evicts in insertion order across many passes, also once every entry was visited and the walk starts over', () => {
    const c = new RecordCache(20 * 260); // 20 entries of ~255 bytes (key + 100 bytes + overhead)
    const bytes = Buffer.alloc(100, 2);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 50; i++) c.set(`r${round}-${i}`, bytes);
      // the youngest entries of this round are held, everything older is gone
      expect(c.get(`r${round}-49`), `round ${round}`).to.deep.equal(bytes);
      expect(c.get(`r${round}-0`), `round ${round}`).to.equal(undefined);
      if (round > 0) expect(c.get(`r${round - 1}-49`), `round ${round}`).to.equal(undefined);
      expect(c.usedBytes).to.be.at.most(20 * 260);
    }
  });

  it('remembers a key known to be missing', () => {
    const c = new RecordCache(100_000);
    c.set('gone', null);
    expect(c.get('gone')).to.equal(null);
    expect(c.get('never')).to.equal(undefined);
  });
});
