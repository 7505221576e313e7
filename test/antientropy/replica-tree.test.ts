import { expect } from 'chai';
import { ReplicaTree, diffKeys, xorOf, type KeyHash } from '../../lib/antientropy';
import { keyDifferences } from '../../lib/antientropy/key-diff';
import { keySlot, SLOT_COUNT } from '../../lib/ring';
import { MemoryStore } from '../../lib/storage/memory-store';
import { RecordStore } from '../../lib/storage/record-store';
import { mulberry32 } from '../../lib/util/rng';
import type { NewVersion } from '../../lib/versioning/types';
import { applyWrite, emptyRecord } from '../../lib/versioning';

function version(v: string, ts: number): NewVersion {
  return { payload: v === '' ? { kind: 'tombstone' } : { kind: 'bytes', data: Buffer.from(v) }, ts, expireAt: null };
}

async function openRecords(): Promise<RecordStore> {
  const store = new MemoryStore({ tick: 'microtask' });
  await store.open();
  return new RecordStore(store, 1024 * 1024);
}

function sameTree(a: ReplicaTree, b: ReplicaTree): void {
  for (let s = 0; s < SLOT_COUNT; s++) if (a.tree.leaf(s) !== b.tree.leaf(s)) expect.fail(`leaf ${s} differs`);
}

describe('antientropy: replica tree kept by RecordStore writes', () => {
  it('after coordinated writes, merges and removals, the kept tree equals one built by scanning the store', async () => {
    const rng = mulberry32(5);
    const records = await openRecords();
    for (let i = 0; i < 50; i++) {
      const k = Buffer.from(`pre-${i}`);
      await records.coordinate(keySlot(k), k, 'n0', null, version(`p${i}`, i));
    }
    const kept = new ReplicaTree(records);
    await kept.build();
    const keys = Array.from({ length: 80 }, (_, i) => Buffer.from(i < 50 ? `pre-${i}` : `new-${i}`));
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 1500; i++) {
      const k = keys[Math.floor(rng() * keys.length)]!;
      const slot = keySlot(k);
      const r = rng();
      const v = version(r < 0.2 ? '' : `v${i}`, 1000 + i);
      if (r < 0.05) pending.push(records.remove(slot, k));
      else if (r < 0.5) pending.push(records.merge(slot, k, applyWrite(emptyRecord(), new Map(), `n${1 + (i % 2)}`, v)));
      else pending.push(records.coordinate(slot, k, 'n0', null, v));
      if (i % 7 === 0) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const scanned = new ReplicaTree(new RecordStore(records.store));
    await scanned.build();
    sameTree(kept, scanned);
    const slot = keySlot(keys[3]!);
    expect(xorOf(await kept.summary(slot))).to.equal(kept.tree.leaf(slot));
  });

  it('a slot summary pages after a key', async () => {
    const records = await openRecords();
    const keys = ['a', 'b', 'c', 'd'].map((x) => Buffer.from(`{tag}${x}`));
    for (const k of keys) await records.coordinate(keySlot(k), k, 'n0', null, version('x', 1));
    const tree = new ReplicaTree(records);
    await tree.build();
    const slot = keySlot(keys[0]!);
    expect((await tree.summary(slot)).map((e) => e.key.toString())).to.deep.equal(keys.map(String));
    expect((await tree.summary(slot, keys[1]!, 1)).map((e) => e.key.toString())).to.deep.equal(['{tag}c']);
  });
});

describe('antientropy: key summaries diff', () => {
  const e = (k: string, h: number): KeyHash => ({ key: Buffer.from(k), hash: BigInt(h) });

  it('finds keys held by one side only and keys whose hashes differ', () => {
    const local = [e('a', 1), e('b', 2), e('d', 4)];
    const remote = [e('b', 2), e('c', 3), e('d', 5)];
    expect(diffKeys(local, remote, { after: null, upTo: null }).map(String)).to.deep.equal(['a', 'c', 'd']);
    expect(keyDifferences(local, remote, { after: null, upTo: null }).map((d) => `${String(d.key)}:${d.held}`)).to.deep.equal(['a:local', 'c:remote', 'd:both']);
  });

  it('compares only the local keys inside the span a remote page covers', () => {
    const local = [e('a', 1), e('b', 2), e('c', 3), e('e', 9)];
    expect(diffKeys(local, [e('b', 2), e('c', 3)], { after: Buffer.from('a'), upTo: Buffer.from('c') }).map(String)).to.deep.equal([]);
    expect(diffKeys(local, [e('d', 7)], { after: Buffer.from('c'), upTo: null }).map(String)).to.deep.equal(['d', 'e']);
  });
});
