/**
 * The responder side of an exchange, one handler per message type. Everything received is
 * validated (messages.ts) before it is used; AE_SYNC merges only keys whose slot both this node
 * and the sender replicate on this node's ring (a stale ring elsewhere must not plant data here).
 */
import { keySlot } from '../ring';
import type { RecordStore } from '../storage/record-store';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import type { Ring } from '../ring';
import type { NodeId, VRecord } from '../versioning/types';
import { decodeRecord, encodeRecord } from '../versioning';
import { int, optBuf, pack, unpackObject } from '../coordinator/messages';
import { SLOTS } from '../storage/keys';
import { AntiEntropyError } from './errors';
import { MAX_KEYS_PAGE, MAX_SYNC_KEYS, bufList, decodePartitions, encodeKeyPage, optBufList } from './messages';
import { MessageError } from '../coordinator/messages';
import type { ReplicaTree } from './replica-tree';
import { bothReplicate } from './shared-partitions';
import { isAbsent } from './record-hash';

export interface ResponderDeps {
  readonly tree: ReplicaTree;
  readonly records: RecordStore;
  readonly self: NodeId;
  readonly ring: () => Ring;
  readonly replicas: number;
}

function readyTree(d: ResponderDeps): ReplicaTree {
  if (!d.tree.ready) throw new AntiEntropyError('AE_NOT_READY', 'anti-entropy is off or still building its tree on this node');
  return d.tree;
}

export function registerAntiEntropyHandlers(transport: Transport, d: ResponderDeps): void {
  transport.handle(MessageType.AE_ROOT, (body) => pack({ h: readyTree(d).tree.root(decodePartitions(unpackObject(body), 'p')) }));

  transport.handle(MessageType.AE_PARTITION_HASHES, (body) =>
    pack({ h: readyTree(d).tree.partitionHashes(decodePartitions(unpackObject(body), 'p')) }));

  transport.handle(MessageType.AE_SLOT_HASHES, (body) => pack({ h: readyTree(d).tree.slotHashes(decodePartitions(unpackObject(body), 'p')) }));

  transport.handle(MessageType.AE_KEYS, async (body) => {
    const m = unpackObject(body);
    const slot = int(m, 's', 0, SLOTS - 1);
    const after = optBuf(m, 'a');
    const max = int(m, 'n', 1, MAX_KEYS_PAGE);
    const entries = await readyTree(d).summary(slot, after === null ? null : Buffer.from(after), max + 1);
    const more = entries.length > max;
    return pack(encodeKeyPage(more ? entries.slice(0, max) : entries, more));
  });

  transport.handle(MessageType.AE_SYNC, async (body, from) => {
    const m = unpackObject(body);
    const keys = bufList(m, 'k', MAX_SYNC_KEYS);
    const recs = optBufList(m, 'r', MAX_SYNC_KEYS);
    if (recs.length !== keys.length) throw new MessageError("fields 'k' and 'r' must have the same length");
    const incoming = recs.map((r) => (r === null ? null : decodeRecord(r))); // all validated before any is applied
    const ring = d.ring();
    let changed = 0;
    const out = await Promise.all(
      keys.map(async (key, i) => {
        const slot = keySlot(key);
        if (!bothReplicate(ring, slot, d.self, from.id, d.replicas)) return null;
        const rec = incoming[i] ?? null;
        const mine = rec === null ? await d.records.get(slot, key) : await mergeCounting(d.records, slot, key, rec, () => changed++);
        return isAbsent(mine) ? null : encodeRecord(mine);
      }),
    );
    return pack({ r: out, c: changed });
  });
}

async function mergeCounting(records: RecordStore, slot: number, key: Buffer, rec: VRecord, count: () => void): Promise<VRecord> {
  const r = await records.merge(slot, key, rec);
  if (r.changed) count();
  return r.record;
}
