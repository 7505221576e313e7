/**
 * The keyspace of a node that is alone: every quorum is this node's own replica. The cluster
 * coordinator replaces it once peers exist; the RESP layer cannot tell the difference.
 */
import calculateSlot from 'cluster-key-slot';
import type { Keyspace, QuorumOverride, ScanPage } from './keyspace';
import type { RecordStore } from '../storage/record-store';
import type { NewVersion, NodeId, VersionVector, VRecord } from '../versioning/types';
import { visible } from '../versioning';
import { SLOTS } from '../storage/keys';

export class LocalKeyspace implements Keyspace {
  constructor(
    private readonly nodeId: NodeId,
    private readonly records: RecordStore,
    private readonly defaults: { n: number; r: number; w: number },
  ) {}

  quorum(q?: QuorumOverride): { n: number; r: number; w: number } {
    const n = Math.min(this.defaults.n, 1);
    return { n, r: Math.min(q?.r ?? this.defaults.r, n), w: Math.min(q?.w ?? this.defaults.w, n) };
  }

  read(key: Buffer): Promise<VRecord> {
    return this.records.get(calculateSlot(key), key);
  }

  write(key: Buffer, ctx: VersionVector | null, v: NewVersion): Promise<VRecord> {
    return this.records.coordinate(calculateSlot(key), key, this.nodeId, ctx, v);
  }

  localRecord(key: Buffer): Promise<VRecord> {
    return this.read(key);
  }

  async scan(cursor: number, count: number, now: number): Promise<ScanPage> {
    return scanLocal(this.records, cursor, count, now);
  }
}

/** visible keys of this replica, whole slots at a time, from slot `cursor` */
export async function scanLocal(records: RecordStore, cursor: number, count: number, now: number): Promise<ScanPage> {
  const keys: Buffer[] = [];
  let slot = cursor;
  // scan in chunks of slots so a sparse keyspace does not cost one iterator per slot
  while (slot < SLOTS && keys.length < count) {
    const to = Math.min(SLOTS - 1, slot + 255);
    let lastSlot = -1;
    for await (const r of records.scanSlots(slot, to)) {
      if (lastSlot !== r.slot && keys.length >= count) {
        return { next: r.slot, keys };
      }
      lastSlot = r.slot;
      if (visible(r.record, now)) keys.push(r.key);
    }
    slot = to + 1;
  }
  return { next: slot >= SLOTS ? 0 : slot, keys };
}
