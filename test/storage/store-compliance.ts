/**
 * The one compliance suite every Store implementation passes. `factory` returns a fresh store,
 * not yet opened, over empty storage; the suite opens and closes it. Grouping checks spy on the
 * `_batch` hook that AbstractStore subclasses implement.
 */
import { expect } from 'chai';
import type { BatchOp, Store } from '../../lib/storage/store';
import { collect, expectCode, spyBatch } from './helpers';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
const s = (text: string): Buffer => Buffer.from(text, 'utf8');
const put = (key: Buffer, value: Buffer): BatchOp => ({ type: 'put', key, value });
const del = (key: Buffer): BatchOp => ({ type: 'del', key });

export interface ComplianceOptions {
  /** writes are acknowledged once journaled: a failed device write is retried, not reported */
  readonly journaled?: boolean;
}

export function storeCompliance(name: string, factory: () => Promise<Store>, opts: ComplianceOptions = {}): void {
  describe(`Store compliance: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await factory();
      await store.open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('get, put, del', () => {
      it('get of a missing key resolves undefined', async () => {
        expect(await store.get(s('nope'))).to.equal(undefined);
      });

      it('a put is returned by get, and a del removes it', async () => {
        await store.write([put(s('k'), s('v1'))]);
        expect(await store.get(s('k'))).to.deep.equal(s('v1'));
        await store.write([put(s('k'), s('v2'))]);
        expect(await store.get(s('k'))).to.deep.equal(s('v2'));
        await store.write([del(s('k'))]);
        expect(await store.get(s('k'))).to.equal(undefined);
      });

      it('del of a missing key succeeds', async () => {
        await store.write([del(s('missing'))]);
        expect(await store.get(s('missing'))).to.equal(undefined);
      });

      it('keeps binary keys and values byte for byte, including an empty value', async () => {
        const cases: Array<[Buffer, Buffer]> = [
          [b(0x00), b(0xff, 0x00, 0xff)],
          [b(0xff), b(0x00)],
          [b(0x00, 0x00), b()],
          [b(0xff, 0xff, 0x00), Buffer.alloc(70_000, 0xab)],
          [b(0x61, 0x00, 0x62), b(0x00, 0x00, 0x00)],
        ];
        await store.write(cases.map(([k, v]) => put(k, v)));
        for (const [k, v] of cases) {
          const got = await store.get(k);
          expect(Buffer.isBuffer(got), `value of ${k.toString('hex')}`).to.equal(true);
          expect(got).to.deep.equal(v);
        }
        expect(await store.get(b(0x61))).to.equal(undefined);
      });

      it('getNow answers what get resolves, at once, writes not yet on the device included (a store without syncReads refuses it)', async () => {
        if (store.syncReads !== true) {
          if (store.getNow !== undefined) expect(() => store.getNow!(s('k'))).to.throw().with.property('code', 'STORE_READ_FAILED');
          return;
        }
        const now = (k: Buffer) => store.getNow!(k);
        expect(now(s('nope'))).to.equal(undefined);
        const written = store.write([put(s('k'), s('v1')), put(s('gone'), s('x'))]);
        expect(now(s('k')), 'acknowledged by write(), not yet applied').to.deep.equal(s('v1'));
        await written;
        await store.write([del(s('gone'))]);
        expect(now(s('k'))).to.deep.equal(await store.get(s('k')));
        expect(now(s('gone'))).to.equal(undefined);
        expect(() => now(b())).to.throw().with.property('code', 'STORE_INVALID_ARGUMENT');
      });

      it('applies the ops of one write together, in order', async () => {
        await store.write([put(s('a'), s('1')), put(s('b'), s('2')), del(s('a')), put(s('c'), s('3'))]);
        expect(await store.get(s('a'))).to.equal(undefined);
        expect(await store.get(s('b'))).to.deep.equal(s('2'));
        expect(await store.get(s('c'))).to.deep.equal(s('3'));
      });

      it('rejects bad arguments with STORE_INVALID_ARGUMENT', async () => {
        const bad = store as unknown as { get(k: unknown): Promise<unknown>; write(o: unknown): Promise<void> };
        await expectCode(bad.get('string key'), 'STORE_INVALID_ARGUMENT');
        await expectCode(bad.get(b()), 'STORE_INVALID_ARGUMENT');
        await expectCode(bad.write([{ type: 'put', key: s('k') }]), 'STORE_INVALID_ARGUMENT');
        await expectCode(bad.write([{ type: 'merge', key: s('k'), value: s('v') }]), 'STORE_INVALID_ARGUMENT');
        await expectCode(bad.write({}), 'STORE_INVALID_ARGUMENT');
        await expectCode(collect(store.range({ limit: -1 })), 'STORE_INVALID_ARGUMENT');
        await expectCode(collect(store.range({ gte: 'a' as unknown as Buffer })), 'STORE_INVALID_ARGUMENT');
      });
    });

    describe('range', () => {
      const keys = [b(0x01), b(0x01, 0x00), b(0x00), b(0xff), b(0x01, 0xff), b(0x02), b(0x00, 0xff, 0xff), b(0xfe, 0xff)];
      const sorted = [...keys].sort(Buffer.compare);
      const hex = (pairs: Array<[Buffer, Buffer]>): string[] => pairs.map(([k]) => k.toString('hex'));

      beforeEach(async () => {
        await store.write(keys.map((k) => put(k, Buffer.concat([s('v'), k]))));
      });

      it('yields every pair in bytewise key order', async () => {
        const all = await collect(store.range({}));
        expect(hex(all)).to.deep.equal(sorted.map((k) => k.toString('hex')));
        for (const [k, v] of all) expect(v).to.deep.equal(Buffer.concat([s('v'), k]));
      });

      it('includes gte and excludes lt', async () => {
        const got = await collect(store.range({ gte: b(0x01), lt: b(0x02) }));
        expect(hex(got)).to.deep.equal(['01', '0100', '01ff']);
        expect(hex(await collect(store.range({ gte: b(0x01, 0x00) })))).to.deep.equal(['0100', '01ff', '02', 'feff', 'ff']);
        expect(hex(await collect(store.range({ lt: b(0x01) })))).to.deep.equal(['00', '00ffff']);
        expect(await collect(store.range({ gte: b(0x02), lt: b(0x02) }))).to.deep.equal([]);
        expect(await collect(store.range({ gte: b(0x03), lt: b(0x01) }))).to.deep.equal([]);
      });

      it('stops after limit entries, and limit 0 yields none', async () => {
        expect(hex(await collect(store.range({ limit: 3 })))).to.deep.equal(['00', '00ffff', '01']);
        expect(hex(await collect(store.range({ gte: b(0x01, 0xff), limit: 2 })))).to.deep.equal(['01ff', '02']);
        expect(await collect(store.range({ limit: 0 }))).to.deep.equal([]);
        expect(await collect(store.range({ limit: 100 }))).to.have.length(keys.length);
      });

      it('walks backwards with reverse, bounds and limit applying from the top', async () => {
        const rev = await collect(store.range({ reverse: true }));
        expect(hex(rev)).to.deep.equal(sorted.map((k) => k.toString('hex')).reverse());
        const got = await collect(store.range({ gte: b(0x01), lt: b(0xfe, 0xff), reverse: true, limit: 3 }));
        expect(hex(got)).to.deep.equal(['02', '01ff', '0100']);
      });

      it('can be left early without harm', async () => {
        for await (const [k] of store.range({})) {
          expect(k).to.deep.equal(b(0x00));
          break;
        }
        expect(await collect(store.range({}))).to.have.length(keys.length);
      });
    });

    describe('write grouping', () => {
      it('groups the writes of many callers in one tick into one _batch', async () => {
        const spy = spyBatch(store);
        const writes = Array.from({ length: 50 }, (_, i) => store.write([put(s(`k${i}`), s(`v${i}`))]));
        await Promise.all(writes);
        expect(spy.calls).to.have.length(1);
        expect(spy.calls[0]!.ops).to.have.length(50);
        for (let i = 0; i < 50; i++) expect(await store.get(s(`k${i}`))).to.deep.equal(s(`v${i}`));
      });

      it('groups writes issued from many awaiting callers in the same tick', async () => {
        await store.write([put(s('seed'), s('0'))]);
        // on the device before counting: a journaled store acknowledges it earlier, and the first
        // writes below would otherwise wait behind it and join the second ones (one batch of 40)
        await collect(store.range({ gte: s('seed'), limit: 1 }));
        const spy = spyBatch(store);
        const writer = async (i: number): Promise<void> => {
          await store.write([put(s(`w${i}`), s('1'))]);
          await store.write([put(s(`w${i}`), s('2'))]);
        };
        await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
        // a range waits until the device holds every write (a journaled store acknowledges earlier)
        await collect(store.range({ gte: s('w'), lt: s('x') }));
        expect(spy.calls.map((c) => c.ops.length)).to.deep.equal([20, 20]);
        expect(await store.get(s('w7'))).to.deep.equal(s('2'));
      });

      it('a get issued before the batch landed sees the write (read your write)', async () => {
        await store.write([put(s('old'), s('x'))]);
        const spy = spyBatch(store);
        const pending = store.write([put(s('new'), s('y')), del(s('old'))]);
        const reads = Promise.all([store.get(s('new')), store.get(s('old'))]);
        expect(spy.calls, 'the batch is not yet on the device').to.have.length(0);
        const [gotNew, gotOld] = await reads;
        expect(gotNew).to.deep.equal(s('y'));
        expect(gotOld).to.equal(undefined);
        await pending;
        expect(await store.get(s('new'))).to.deep.equal(s('y'));
      });

      it('a range issued before the batch landed sees the write', async () => {
        const pending = store.write([put(s('r1'), s('a')), put(s('r2'), s('b'))]);
        const got = await collect(store.range({ gte: s('r'), lt: s('s') }));
        expect(got.map(([k]) => k.toString())).to.deep.equal(['r1', 'r2']);
        await pending;
      });

      it('keeps the order of writes to the same key within a tick and across ticks', async () => {
        const writes: Array<Promise<void>> = [];
        for (let round = 0; round < 5; round++) {
          for (let i = 0; i < 10; i++) writes.push(store.write([put(s('same'), s(`${round}-${i}`))]));
          writes.push(store.write([del(s('gone'))]), store.write([put(s('gone'), s(`${round}`))]));
          expect(await store.get(s('same'))).to.deep.equal(s(`${round}-9`));
          await new Promise((resolve) => setImmediate(resolve));
        }
        writes.push(store.write([del(s('gone'))]));
        await Promise.all(writes);
        expect(await store.get(s('same'))).to.deep.equal(s('4-9'));
        expect(await store.get(s('gone'))).to.equal(undefined);
      });

      it('never has two batches writing one key on the device at once, so a later write to it lands last', async () => {
        const spy = spyBatch(store);
        const writes: Array<Promise<void>> = [];
        for (let round = 0; round < 200; round++) {
          writes.push(store.write([put(s('hot'), s(`v${round}`)), put(s(`cold${round % 7}`), Buffer.alloc(4096, round))]));
          if (round % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        await Promise.all(writes);
        // with a journal the writes resolve once journaled: let the device take them all before
        // counting its batches (a range waits for every write issued before it)
        await collect(store.range({ gte: s('hot'), lt: s('hou') }));
        expect(spy.maxConcurrent).to.equal(1);
        expect(spy.calls.length).to.be.greaterThan(1);
        expect(await store.get(s('hot'))).to.deep.equal(s('v199'));
      });

      if (opts.journaled) {
        it('a failed device write of acknowledged (journaled) writes is retried, and they stay readable meanwhile', async () => {
          const spy = spyBatch(store);
          spy.failNext(new Error('disk on fire'));
          await store.write([put(s('fa'), s('1'))]);
          expect(await store.get(s('fa'))).to.deep.equal(s('1'));
          // range waits until the device holds it, which takes the retry
          const all = await collect(store.range({ gte: s('fa'), lt: s('fb') }));
          expect(all.map(([k, v]) => `${k}=${v}`)).to.deep.equal(['fa=1']);
          expect(spy.calls.length).to.be.at.least(2);
        });
      } else {
        it('a failed batch rejects each of its writes with STORE_WRITE_FAILED and hides them', async () => {
          const spy = spyBatch(store);
          const boom = new Error('disk on fire');
          spy.failNext(boom);
          const a = store.write([put(s('fa'), s('1'))]);
          const c = store.write([put(s('fb'), s('2'))]);
          const errA = await expectCode(a, 'STORE_WRITE_FAILED');
          const errC = await expectCode(c, 'STORE_WRITE_FAILED');
          expect(errA.cause).to.equal(boom);
          expect(errC.cause).to.equal(boom);
          expect(await store.get(s('fa'))).to.equal(undefined);
          await store.write([put(s('fc'), s('3'))]);
          expect(await store.get(s('fc'))).to.deep.equal(s('3'));
        });
      }

      it('a failed batch nobody awaits is not an unhandled rejection', async () => {
        spyBatch(store).failNext(new Error('ignored failure'));
        void store.write([put(s('x'), s('1'))]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
    });

    describe('lifecycle', () => {
      it('sync resolves after the writes before it landed', async () => {
        const w = store.write([put(s('synced'), s('1'))]);
        await store.sync();
        await w;
        expect(await store.get(s('synced'))).to.deep.equal(s('1'));
      });

      it('operations on a closed store fail with STORE_NOT_OPEN', async () => {
        await store.close();
        await expectCode(store.get(s('k')), 'STORE_NOT_OPEN');
        await expectCode(store.write([put(s('k'), s('v'))]), 'STORE_NOT_OPEN');
        await expectCode(collect(store.range({})), 'STORE_NOT_OPEN');
        await expectCode(store.sync(), 'STORE_NOT_OPEN');
        await store.close();
      });

      it('operations before open fail with STORE_NOT_OPEN', async () => {
        const fresh = await factory();
        await expectCode(fresh.get(s('k')), 'STORE_NOT_OPEN');
        await expectCode(fresh.write([put(s('k'), s('v'))]), 'STORE_NOT_OPEN');
        await fresh.close();
      });

      it('close flushes queued writes, and reopening keeps the data', async () => {
        await store.write([put(s('kept'), s('1'))]);
        const queued = store.write([put(s('queued'), s('2'))]);
        await store.close();
        await queued;
        await store.open();
        expect(await store.get(s('kept'))).to.deep.equal(s('1'));
        expect(await store.get(s('queued'))).to.deep.equal(s('2'));
      });
    });
  });
}
