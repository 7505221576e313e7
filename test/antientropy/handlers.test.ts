import { expect } from 'chai';
import { registerAntiEntropyHandlers, ReplicaTree } from '../../lib/antientropy';
import { pack } from '../../lib/coordinator/messages';
import { buildRing, keySlot, preferenceList } from '../../lib/ring';
import { MemoryStore } from '../../lib/storage/memory-store';
import { RecordStore } from '../../lib/storage/record-store';
import type { Handler, PeerInfo, Transport } from '../../lib/transport';
import { MessageType } from '../../lib/transport/message-type';
import { encodeRecord, applyWrite, emptyRecord } from '../../lib/versioning';

/** a Transport that only collects handlers, so a test can call them */
function handlerTable(): { transport: Transport; call(type: MessageType, body: object | Buffer, from?: PeerInfo): Promise<Buffer> } {
  const handlers = new Map<number, Handler>();
  const transport = {
    localId: 'n0',
    address: 'n0:1',
    start: async () => undefined,
    close: async () => undefined,
    request: async () => Buffer.alloc(0),
    handle: (type: MessageType, h: Handler) => void handlers.set(type, h),
    onInbound: () => undefined,
  } satisfies Transport;
  return {
    transport,
    call: async (type, body, from = { id: 'n1', address: 'n1:1' }) =>
      handlers.get(type)!(Buffer.isBuffer(body) ? body : pack(body), from),
  };
}

async function setup(ready = true) {
  const store = new MemoryStore({ tick: 'microtask' });
  await store.open();
  const records = new RecordStore(store);
  const tree = new ReplicaTree(records);
  if (ready) await tree.build();
  const ring = buildRing([{ id: 'n0', zone: 'a', weight: 1 }, { id: 'n1', zone: 'a', weight: 1 }, { id: 'n2', zone: 'a', weight: 1 }], { vnodesPerWeight: 16 });
  const t = handlerTable();
  registerAntiEntropyHandlers(t.transport, { tree, records, self: 'n0', ring: () => ring, replicas: 2 });
  return { records, t, ring };
}

async function rejects(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
  return 'resolved';
}

describe('antientropy: handlers validate what they receive', () => {
  it('rejects partition lists that are unsorted, out of range or of odd length', async () => {
    const { t } = await setup();
    expect(await rejects(t.call(MessageType.AE_ROOT, { p: Buffer.from([0, 2, 0, 1]) }))).to.equal('BAD_MESSAGE');
    expect(await rejects(t.call(MessageType.AE_ROOT, { p: Buffer.from([0x04, 0x00]) }))).to.equal('BAD_MESSAGE');
    expect(await rejects(t.call(MessageType.AE_SLOT_HASHES, { p: Buffer.from([0]) }))).to.equal('BAD_MESSAGE');
    expect(await rejects(t.call(MessageType.AE_PARTITION_HASHES, Buffer.from([0xc1])))).to.equal('BAD_MESSAGE');
    expect(await rejects(t.call(MessageType.AE_KEYS, { s: 16384, n: 10 }))).to.equal('BAD_MESSAGE');
    expect(await rejects(t.call(MessageType.AE_KEYS, { s: 1, n: 0 }))).to.equal('BAD_MESSAGE');
  });

  it('answers AE_NOT_READY before its tree is built', async () => {
    const { t } = await setup(false);
    expect(await rejects(t.call(MessageType.AE_ROOT, { p: Buffer.from([0, 1]) }))).to.equal('AE_NOT_READY');
  });

  it('AE_SYNC applies nothing when one record is malformed, and skips keys the two nodes do not both replicate', async () => {
    const { t, records, ring } = await setup();
    const good = encodeRecord(applyWrite(emptyRecord(), new Map(), 'n1', { payload: { kind: 'bytes', data: Buffer.from('x') }, ts: 1, expireAt: null }));
    const k = Buffer.from('some-key');
    expect(await rejects(t.call(MessageType.AE_SYNC, { k: [k, Buffer.from('b')], r: [good, Buffer.from([9, 9])] }))).to.not.equal('resolved');
    expect((await records.get(keySlot(k), k)).siblings).to.have.length(0);
    expect(await rejects(t.call(MessageType.AE_SYNC, { k: [k], r: [] }))).to.equal('BAD_MESSAGE');

    let shared: Buffer | null = null;
    let foreign: Buffer | null = null;
    for (let i = 0; shared === null || foreign === null; i++) {
      const c = Buffer.from(`k${i}`);
      const both = preferenceList(ring, keySlot(c), 2);
      if (both.includes('n0') && both.includes('n1')) shared ??= c;
      else foreign ??= c;
    }
    await t.call(MessageType.AE_SYNC, { k: [shared, foreign], r: [good, good] });
    expect((await records.get(keySlot(shared), shared)).siblings).to.have.length(1);
    expect((await records.get(keySlot(foreign), foreign)).siblings).to.have.length(0);
  });
});
