import { expect } from 'chai';
import { MemoryStore } from '../../lib/storage/memory-store';
import { storeCompliance } from './store-compliance';

storeCompliance('MemoryStore', async () => new MemoryStore());
storeCompliance('MemoryStore with synchronous reads', async () => new MemoryStore({ syncReads: true }));

describe('MemoryStore: what a crash keeps', () => {
  const k = (s: string) => Buffer.from(s);
  const has = async (st: MemoryStore, key: string) => (await st.get(k(key)))?.toString() ?? null;

  it('an OS crash keeps only what was synced', async () => {
    const st = new MemoryStore();
    await st.open();
    await st.write([{ type: 'put', key: k('a'), value: k('1') }]);
    await st.sync();
    await st.write([{ type: 'put', key: k('b'), value: k('2') }]);
    const os = st.osCrash();
    await os.open();
    expect([await has(os, 'a'), await has(os, 'b')]).to.deep.equal(['1', null]);
    await os.close();
  });

  it('a restart after a process crash makes what survived durable (as recovery syncs LevelDB)', async () => {
    const st = new MemoryStore();
    await st.open();
    await st.write([{ type: 'put', key: k('a'), value: k('1') }]);
    const survivor = st.crash();
    await survivor.open();
    await survivor.write([{ type: 'put', key: k('b'), value: k('2') }]);
    const os = survivor.osCrash();
    await os.open();
    // 'a' was recovered at the restart; 'b', written after it and never synced, is gone
    expect([await has(os, 'a'), await has(os, 'b')]).to.deep.equal(['1', null]);
    await os.close();
  });
});
