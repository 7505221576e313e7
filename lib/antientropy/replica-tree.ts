/**
 * The tree of this replica, fed by RecordStore's change listener, and the slot summaries read
 * straight from the store (raw record bytes: no decode, no re-encode).
 *
 * Built once when anti-entropy starts, by one scan of the data namespace: leaves are not
 * persisted (a full scan at start-up; fine for now, costly for very large stores). A write that
 * completes during the scan marks its slot dirty; dirty slots are scanned again after the full
 * pass (up to a few passes), so the built tree matches the store even under writes.
 */
import type { RecordStore } from '../storage/record-store';
import { dataRange, parseDataKey, SLOTS } from '../storage/keys';
import type { VRecord } from '../versioning/types';
import { MerkleTree } from './merkle';
import { RecordHasher, entryHash } from './record-hash';
import type { KeyHash } from './key-diff';

const REBUILD_PASSES = 3;

export class ReplicaTree {
  readonly tree = new MerkleTree();
  private readonly hasher = new RecordHasher();
  private state: 'off' | 'building' | 'ready' = 'off';
  private dirty = new Set<number>();

  constructor(private readonly records: RecordStore) {}

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** attach to the record store and build the leaves by scanning it */
  async build(): Promise<void> {
    if (this.state !== 'off') return;
    this.state = 'building';
    this.records.onChange = (slot, key, before, after, stored, storedBefore) =>
      this.changed(slot, key, before, after, stored, storedBefore);
    this.tree.clear();
    for await (const [k, v] of this.records.store.range(dataRange(0, SLOTS - 1))) {
      const { slot, key } = parseDataKey(k);
      this.tree.change(slot, 0n, entryHash(key, v));
    }
    for (let pass = 0; pass < REBUILD_PASSES && this.dirty.size > 0; pass++) {
      const slots = [...this.dirty];
      this.dirty = new Set();
      for (const slot of slots) this.tree.setLeaf(slot, xorOf(await this.summary(slot)));
    }
    this.dirty.clear();
    this.state = 'ready';
  }

  /** stop following writes (the tree is stale from now on) */
  detach(): void {
    if (this.records.onChange !== null) this.records.onChange = null;
    this.state = 'off';
  }

  /** every key of the slot with its entry hash, in key order (null `after`: from the first) */
  async summary(slot: number, after: Buffer | null = null, limit = Infinity): Promise<KeyHash[]> {
    const range = dataRange(slot, slot);
    const gte = after === null ? range.gte : Buffer.concat([range.gte, after, Buffer.from([0])]);
    const out: KeyHash[] = [];
    const opts = Number.isFinite(limit) ? { gte, lt: range.lt, limit } : { gte, lt: range.lt };
    for await (const [k, v] of this.records.store.range(opts)) {
      const key = Buffer.from(parseDataKey(k).key);
      out.push({ key, hash: entryHash(key, v) });
    }
    return out;
  }

  private changed(slot: number, key: Buffer, before: VRecord, after: VRecord | null, stored: Buffer | null, storedBefore: Buffer | null): void {
    if (this.state === 'building') {
      this.dirty.add(slot);
      return;
    }
    if (this.state !== 'ready') return;
    // RecordStore hands over the stored bytes of both: hashed straight, without the hasher's
    // per-record memo (a WeakMap entry and a key copy per write, all garbage)
    const hb = storedBefore !== null ? entryHash(key, storedBefore) : this.hasher.hash(key, before);
    const ha = stored !== null ? entryHash(key, stored) : this.hasher.hash(key, after);
    this.tree.change(slot, hb, ha);
  }
}

export function xorOf(entries: readonly KeyHash[]): bigint {
  let h = 0n;
  for (const e of entries) h ^= e.hash;
  return h;
}
