/**
 * One exchange session, initiator side, with one peer over the partitions both replicate:
 *   1. compare the trees (tree-diff: root, partition hashes, leaves) → differing slots;
 *   2. per differing slot, page through the peer's key summaries (AE_KEYS) against our own scan
 *      → differing keys;
 *   3. AE_SYNC in batches: our record of each differing key goes to the peer, which merges it and
 *      answers with its own record, which we merge. Merges are CRDT joins, so pushing both ways
 *      the full record of every differing key is correct — and tombstones are records like any
 *      other, so a delete one side missed is carried over, never undone.
 * At most `maxKeys` keys are synced per session (the rest wait for the next round), and each
 * batch first asks `pace` for leave to go (the background controller's hook).
 *
 * One exception to pushing everything: a dead record tombstone GC may already reap (`reapable`:
 * dead for the grace period) is not copied to a side that holds nothing for its key. That side
 * has most likely reaped it already; copying it back would only have it reaped again, and the two
 * sides would pass it back and forth as long as their GC sweeps and exchanges interleave. GC's
 * own check asks every member and hands the delete to any that still holds an older version, so
 * a side with nothing needs no tombstone.
 */
import { pack, unpackObject } from '../coordinator/messages';
import { keySlot } from '../ring';
import type { RecordStore } from '../storage/record-store';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import { decodeRecord, encodeRecord } from '../versioning';
import type { VRecord } from '../versioning/types';
import { AntiEntropyError } from './errors';
import { keyDifferences, type KeyDifference, type KeyHash } from './key-diff';
import type { TreeReader } from './merkle';
import { MAX_KEYS_PAGE, count, decodeKeyPage, encodePartitions, hashes, optBufList } from './messages';
import { isAbsent } from './record-hash';
import type { ReplicaTree } from './replica-tree';
import { diffTrees } from './tree-diff';
import { HASH_BYTES } from './merkle';
import { SLOTS_PER_PARTITION } from '../ring/partitions';

export interface ExchangeLimits {
  /** most keys synced in one session */
  readonly maxKeys: number;
  /** keys per AE_SYNC request (≤ MAX_SYNC_KEYS) */
  readonly batchKeys: number;
  /** key summaries per AE_KEYS page (≤ MAX_KEYS_PAGE) */
  readonly pageKeys: number;
}

export interface ExchangeResult {
  readonly differingSlots: number;
  readonly differingKeys: number;
  /** keys whose record changed on the peer */
  readonly pushed: number;
  /** keys whose record changed here */
  readonly pulled: number;
  readonly requests: number;
}

/** asks the peer; resolves false when the session should stop (driver stopped) */
/** leave to sync up to `keys` keys now: how many (0: stop) */
export type Pace = (keys: number) => Promise<number>;

type Ask = (type: MessageType, body: object) => Promise<Record<string, unknown>>;

/** the peer's tree as a TreeReader, every reply checked for its exact length */
export function remoteTree(ask: Ask): TreeReader {
  return {
    root: async (ps) => hashes(await ask(MessageType.AE_ROOT, { p: encodePartitions(ps) }), 'h', 16),
    partitionHashes: async (ps) => hashes(await ask(MessageType.AE_PARTITION_HASHES, { p: encodePartitions(ps) }), 'h', ps.length * HASH_BYTES),
    slotHashes: async (ps) =>
      hashes(await ask(MessageType.AE_SLOT_HASHES, { p: encodePartitions(ps) }), 'h', ps.length * SLOTS_PER_PARTITION * HASH_BYTES),
  };
}

export async function runExchange(
  transport: Transport,
  address: string,
  timeoutMs: number,
  tree: ReplicaTree,
  records: RecordStore,
  partitions: readonly number[],
  limits: ExchangeLimits,
  pace: Pace,
  reapable: (rec: VRecord) => boolean = () => false,
): Promise<ExchangeResult> {
  let requests = 0;
  const ask: Ask = async (type, body) => {
    requests++;
    return unpackObject(await transport.request(address, type, pack(body), timeoutMs));
  };
  const diff = await diffTrees(tree.tree, remoteTree(ask), partitions);
  const keys: KeyDifference[] = [];
  for (const slot of diff.slots) {
    if (keys.length >= limits.maxKeys) break;
    for (const k of await differingKeys(ask, tree, slot, limits.pageKeys)) if (keys.length < limits.maxKeys) keys.push(k);
  }
  let pushed = 0;
  let pulled = 0;
  for (let i = 0; i < keys.length; ) {
    const granted = await pace(Math.min(limits.batchKeys, keys.length - i));
    if (granted <= 0) break;
    const batch = keys.slice(i, i + granted);
    i += batch.length;
    const r = await syncBatch(ask, records, batch, reapable);
    pushed += r.pushed;
    pulled += r.pulled;
  }
  return { differingSlots: diff.slots.length, differingKeys: keys.length, pushed, pulled, requests };
}

async function differingKeys(ask: Ask, tree: ReplicaTree, slot: number, pageKeys: number): Promise<KeyDifference[]> {
  const ours: KeyHash[] = await tree.summary(slot);
  const out: KeyDifference[] = [];
  let after: Buffer | null = null;
  for (;;) {
    const page = decodeKeyPage(await ask(MessageType.AE_KEYS, { s: slot, a: after, n: pageKeys }), Math.min(pageKeys, MAX_KEYS_PAGE));
    const last = page.entries[page.entries.length - 1];
    if (after !== null && last !== undefined && Buffer.compare(page.entries[0]!.key, after) <= 0) {
      throw new AntiEntropyError('AE_BAD_REPLY', 'key page does not start after the previous page');
    }
    const upTo = page.more && last !== undefined ? last.key : null;
    out.push(...keyDifferences(ours, page.entries, { after, upTo }));
    if (upTo === null) return out;
    after = upTo;
  }
}

async function syncBatch(ask: Ask, records: RecordStore, diffs: readonly KeyDifference[], reapable: (rec: VRecord) => boolean): Promise<{ pushed: number; pulled: number }> {
  const keys = diffs.map((d) => d.key);
  const mine = await Promise.all(keys.map((k) => records.get(keySlot(k), k)));
  // a reapable record is not sent to a peer that holds nothing for the key (see the header)
  const send = mine.map((r, i) => (isAbsent(r) || (diffs[i]!.held === 'local' && reapable(r)) ? null : encodeRecord(r)));
  const reply = await ask(MessageType.AE_SYNC, { k: keys, r: send });
  const theirs = optBufList(reply, 'r', keys.length);
  if (theirs.length !== keys.length) throw new AntiEntropyError('AE_BAD_REPLY', `AE_SYNC: ${theirs.length} records for ${keys.length} keys`);
  const pushed = count(reply, 'c', keys.length);
  const incoming = theirs.map((r) => (r === null ? null : decodeRecord(r)));
  let pulled = 0;
  await Promise.all(
    keys.map(async (k, i) => {
      const rec = incoming[i];
      if (rec === null || rec === undefined) return;
      if (isAbsent(mine[i]!) && reapable(rec)) return; // nor taken from one while holding nothing
      if ((await records.merge(keySlot(k), k, rec)).changed) pulled++;
    }),
  );
  return { pushed, pulled };
}
