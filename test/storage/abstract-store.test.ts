import { expect } from 'chai';
import { MemoryStore } from '../../lib/storage/memory-store';
import type { BatchOp } from '../../lib/storage/store';
import { collect, expectCode, spyBatch } from './helpers';

const put = (k: string, v: string): BatchOp => ({ type: 'put', key: Buffer.from(k), value: Buffer.from(v) });

describe('AbstractStore (through MemoryStore)', () => {
  it("with tick 'microtask' the writes of one synchronous run still form one batch", async () => {
    const store = new MemoryStore({ tick: 'microtask' });
    await store.open();
    const spy = spyBatch(store);
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.write([put(`k${i}`, 'v')])));
    expect(spy.calls.map((c) => c.ops.length)).to.deep.equal([30]);
    await store.close();
  });

  it('counts batches and ops in batchStats', async () => {
    const store = new MemoryStore();
    await store.open();
    await Promise.all([store.write([put('a', '1'), put('b', '2')]), store.write([put('c', '3')])]);
    await store.write([put('d', '4')]);
    expect(store.batchStats).to.deep.equal({ batches: 2, ops: 4 });
    await store.close();
  });

  it('an empty write resolves without a batch', async () => {
    const store = new MemoryStore();
    await store.open();
    const spy = spyBatch(store);
    await store.write([]);
    expect(spy.calls).to.have.length(0);
    await store.close();
  });

  it('concurrent open calls open once, and close is idempotent', async () => {
    const store = new MemoryStore();
    await Promise.all([store.open(), store.open()]);
    expect(store.status).to.equal('open');
    await Promise.all([store.close(), store.close()]);
    await store.close();
    expect(store.status).to.equal('closed');
  });

  it('keeps a caller mutating its buffer after the write resolved from changing the store', async () => {
    const store = new MemoryStore();
    await store.open();
    const value = Buffer.from('abc');
    await store.write([{ type: 'put', key: Buffer.from('k'), value }]);
    value.fill(0x7a);
    expect((await store.get(Buffer.from('k')))?.toString()).to.equal('abc');
    await store.close();
  });

  describe('MemoryStore.crash', () => {
    it('the survivor holds resolved writes and not the ones still queued', async () => {
      const store = new MemoryStore();
      await store.open();
      await store.write([put('acked', '1')]);
      const queued = store.write([put('queued', '2')]);
      const survivor = store.crash();
      await expectCode(queued, 'STORE_WRITE_FAILED');
      await survivor.open();
      expect((await collect(survivor.range({}))).map(([k]) => k.toString())).to.deep.equal(['acked']);
      await survivor.close();
    });

    it('the crashed store refuses further use with STORE_NOT_OPEN', async () => {
      const store = new MemoryStore();
      await store.open();
      store.crash();
      expect(store.status).to.equal('closed');
      await expectCode(store.get(Buffer.from('k')), 'STORE_NOT_OPEN');
      await expectCode(store.write([put('k', 'v')]), 'STORE_NOT_OPEN');
    });

    it('the survivor is independent of the crashed store', async () => {
      const store = new MemoryStore();
      await store.open();
      await store.write([put('a', '1')]);
      const survivor = store.crash();
      await survivor.open();
      await survivor.write([put('a', '2')]);
      const again = survivor.crash();
      await again.open();
      expect((await again.get(Buffer.from('a')))?.toString()).to.equal('2');
      expect(survivor.size).to.equal(1);
    });
  });
});
