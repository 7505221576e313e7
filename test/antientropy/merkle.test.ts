import { expect } from 'chai';
import { MerkleTree, diffTrees, entryHash, RecordHasher, type TreeReader } from '../../lib/antientropy';
import { PARTITION_COUNT, SLOT_COUNT, SLOTS_PER_PARTITION } from '../../lib/ring';
import { applyWrite, emptyRecord, encodeRecord } from '../../lib/versioning';
import type { VRecord } from '../../lib/versioning/types';
import { mulberry32, type Rng } from '../../lib/util/rng';

const ALL = Array.from({ length: PARTITION_COUNT }, (_, p) => p);

interface Entry {
  slot: number;
  key: Buffer;
  rec: VRecord;
}

function write(rng: Rng, cur: VRecord, ts: number): VRecord {
  const kind = rng() < 0.2 ? 'tombstone' : 'bytes';
  const payload = kind === 'tombstone' ? ({ kind } as const) : ({ kind, data: Buffer.from(`v${Math.floor(rng() * 1e6)}`) } as const);
  return applyWrite(cur, cur.vv, `n${Math.floor(rng() * 3)}`, { payload, ts, expireAt: rng() < 0.1 ? ts + 1000 : null });
}

function rebuilt(entries: Iterable<Entry>): MerkleTree {
  const t = new MerkleTree();
  for (const e of entries) t.change(e.slot, 0n, entryHash(e.key, encodeRecord(e.rec)));
  return t;
}

/** a store of `n` random keys over `slots` distinct slots, and its tree */
function randomStore(rng: Rng, n: number, slots = SLOT_COUNT): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (let i = 0; i < n; i++) {
    const key = Buffer.from(`k${i}`);
    m.set(key.toString('latin1'), { slot: Math.floor(rng() * slots), key, rec: write(rng, emptyRecord(), i) });
  }
  return m;
}

/** counts the calls a reader answers */
function counting(t: TreeReader): TreeReader & { calls: number } {
  const r = {
    calls: 0,
    root: (ps: readonly number[]) => (r.calls++, t.root(ps)),
    partitionHashes: (ps: readonly number[]) => (r.calls++, t.partitionHashes(ps)),
    slotHashes: (ps: readonly number[]) => (r.calls++, t.slotHashes(ps)),
  };
  return r;
}

function sameLeaves(a: MerkleTree, b: MerkleTree): void {
  for (let s = 0; s < SLOT_COUNT; s++) if (a.leaf(s) !== b.leaf(s)) expect.fail(`leaf ${s} differs`);
  for (let p = 0; p < PARTITION_COUNT; p++) if (a.partition(p) !== b.partition(p)) expect.fail(`partition ${p} differs`);
}

describe('antientropy: Merkle tree', () => {
  it('kept incrementally through random writes and deletes, it equals the tree rebuilt from the final data', () => {
    for (const seed of [1, 2, 3]) {
      const rng = mulberry32(seed);
      const data = randomStore(rng, 500, 64); // few slots: many keys share a leaf
      const tree = rebuilt(data.values());
      const hasher = new RecordHasher();
      const names = [...data.keys()];
      for (let i = 0; i < 3000; i++) {
        const name = names[Math.floor(rng() * names.length)]!;
        const e = data.get(name);
        if (e === undefined) {
          const key = Buffer.from(name, 'latin1');
          const fresh = { slot: Math.floor(rng() * 64), key, rec: write(rng, emptyRecord(), i) };
          data.set(name, fresh);
          tree.change(fresh.slot, 0n, hasher.hash(key, fresh.rec));
        } else if (rng() < 0.1) {
          data.delete(name); // a removed record
          tree.change(e.slot, hasher.hash(e.key, e.rec), 0n);
        } else {
          const next = write(rng, e.rec, i);
          tree.change(e.slot, hasher.hash(e.key, e.rec), hasher.hash(e.key, next));
          e.rec = next;
        }
      }
      sameLeaves(tree, rebuilt(data.values()));
    }
  });

  it('the hash of an entry covers its key: the same record under two keys hashes differently', () => {
    const rec = write(mulberry32(9), emptyRecord(), 1);
    const h = new RecordHasher();
    expect(h.hash(Buffer.from('a'), rec)).to.not.equal(h.hash(Buffer.from('b'), rec));
    expect(h.hash(Buffer.from('a'), rec)).to.equal(entryHash(Buffer.from('a'), encodeRecord(rec)));
    expect(h.hash(Buffer.from('a'), emptyRecord())).to.equal(0n);
  });

  it('diff finds exactly the slots whose data differs', async () => {
    for (const seed of [11, 12, 13]) {
      const rng = mulberry32(seed);
      const data = randomStore(rng, 2000);
      const a = rebuilt(data.values());
      const b = rebuilt(data.values());
      const expected = new Set<number>();
      for (let i = 0; i < 25; i++) {
        const slot = Math.floor(rng() * SLOT_COUNT);
        const key = Buffer.from(`extra-${i}`);
        (rng() < 0.5 ? a : b).change(slot, 0n, entryHash(key, encodeRecord(write(rng, emptyRecord(), i))));
        expected.add(slot);
      }
      const remote = counting(b);
      const diff = await diffTrees(a, remote, ALL);
      expect(diff.slots).to.deep.equal([...expected].sort((x, y) => x - y));
      expect(diff.requests).to.equal(remote.calls);
    }
  });

  it('diff looks only at the partitions asked for', async () => {
    const rng = mulberry32(21);
    const data = randomStore(rng, 500);
    const a = rebuilt(data.values());
    const b = rebuilt(data.values());
    b.change(5, 0n, 123n); // partition 0
    b.change(40 * SLOTS_PER_PARTITION + 3, 0n, 456n); // partition 40
    const some = ALL.filter((p) => p !== 0);
    expect((await diffTrees(a, b, some)).slots).to.deep.equal([40 * SLOTS_PER_PARTITION + 3]);
    expect((await diffTrees(a, b, [0, 1, 2])).slots).to.deep.equal([5]);
    expect((await diffTrees(a, b, [1, 2, 3])).slots).to.deep.equal([]);
  });

  it('trees in sync compare with one request (the roots)', async () => {
    const data = randomStore(mulberry32(31), 1000);
    const remote = counting(rebuilt(data.values()));
    const diff = await diffTrees(rebuilt(data.values()), remote, ALL);
    expect(diff).to.deep.equal({ slots: [], requests: 1 });
    expect(remote.calls).to.equal(1);
  });

  it('leaf requests come in chunks of at most leafChunk partitions', async () => {
    const a = new MerkleTree();
    const b = new MerkleTree();
    for (let p = 0; p < 10; p++) b.change(p * SLOTS_PER_PARTITION, 0n, BigInt(p + 1));
    const remote = counting(b);
    const diff = await diffTrees(a, remote, ALL, { leafChunk: 4 });
    expect(diff.slots).to.have.length(10);
    expect(remote.calls).to.equal(1 + 1 + 3); // root, partition hashes, ceil(10 / 4) leaf requests
  });
});
