/**
 * The replica side of the coordinator's messages, one handler per type: every field is validated
 * (messages.ts, the record codec) before anything touches the store.
 */
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import type { RecordStore } from '../storage/record-store';
import type { Coordinator, HintSink } from './coordinator';
import { keySlot } from '../ring';
import { decodeContextBytes } from '../versioning/context-codec';
import { decodeRecord, emptyRecord, encodeRecord } from '../versioning';
import { MessageError, buf, int, optBuf, optInt, optStr, pack, unpackObject, unpackVersion } from './messages';
import { MAX_BATCH } from './replica-batch';
import { describeThrown } from '../transport/error-body';
import type { VRecord } from '../versioning/types';
import { SLOTS } from '../storage/keys';

const MAX_SCAN_SLOTS = 1024;
/** a key this replica holds nothing for */
const EMPTY = encodeRecord(emptyRecord());
/** the answer to a write (or a batch of them) that landed */
const ALL_LANDED = pack({});

export function registerReplicaHandlers(
  transport: Transport,
  records: RecordStore,
  coordinator: Coordinator,
  hints: HintSink | null,
  now: () => number,
): void {
  // the bytes as stored: the coordinator decodes (and checks) them, so no decode and re-encode here
  const stored = async (key: Buffer): Promise<Buffer> => (await records.getStored(keySlot(key), key)) ?? EMPTY;

  transport.handle(MessageType.REPLICA_READ, async (body) => pack({ r: await stored(buf(unpackObject(body), 'k')) }));

  transport.handle(MessageType.REPLICA_READ_BATCH, async (body) => {
    const ks = unpackObject(body).k;
    if (!Array.isArray(ks) || ks.length > MAX_BATCH) throw new MessageError(`field 'k' must list at most ${MAX_BATCH} keys`);
    const keys = ks.map((k) => buf({ k }, 'k'));
    // per key: its stored bytes, or why reading it failed
    return pack({ r: await Promise.all(keys.map((k) => stored(k).catch(failure))) });
  });

  /** one write a coordinator sends this replica */
  const apply = async (w: ReplicaWrite): Promise<void> => {
    const slot = keySlot(w.key);
    // a fallback keeps the write with the name of the node it stands in for: the hint first, so
    // no crash leaves it a copy that nothing will ever hand over
    if (w.hintFor !== null) await hints?.persisted(w.hintFor, slot, w.key);
    await records.merge(slot, w.key, w.record);
  };

  transport.handle(MessageType.REPLICA_WRITE, async (body) => {
    await apply(replicaWrite(unpackObject(body)));
    return ALL_LANDED;
  });

  transport.handle(MessageType.REPLICA_WRITE_BATCH, async (body) => {
    const m = unpackObject(body);
    const ks = m.k;
    const rs = m.r;
    const hs = m.h;
    if (!Array.isArray(ks) || !Array.isArray(rs) || !Array.isArray(hs) || ks.length !== rs.length || ks.length !== hs.length) {
      throw new MessageError('fields k, r and h must be lists of one length');
    }
    if (ks.length > MAX_BATCH) throw new MessageError(`more than ${MAX_BATCH} writes in one batch`);
    // every write is checked before any is applied
    const writes = ks.map((k, i) => replicaWrite({ k, r: rs[i], h: hs[i] }));
    const e = await Promise.all(writes.map((w) => apply(w).then(() => null, failure)));
    return e.every((x) => x === null) ? ALL_LANDED : pack({ e });
  });

  transport.handle(MessageType.COORDINATE_READ, async (body) => {
    const m = unpackObject(body);
    checkDeadline(m, now);
    const key = Buffer.from(buf(m, 'k'));
    const r = optInt(m, 'r', 1, 255) ?? undefined;
    return pack({ r: encodeRecord(await coordinator.read(key, { r }, true)) });
  });

  transport.handle(MessageType.COORDINATE_WRITE, async (body) => {
    const m = unpackObject(body);
    checkDeadline(m, now);
    const key = Buffer.from(buf(m, 'k'));
    const c = optBuf(m, 'c');
    const w = optInt(m, 'w', 1, 255) ?? undefined;
    const v = unpackVersion(m.v as Record<string, unknown>);
    const ctx = c === null ? null : c.length === 0 ? new Map<string, number>() : decodeContextBytes(c);
    const rec = await coordinator.write(key, ctx, v, { w }, true);
    return pack({ r: encodeRecord(rec) });
  });

  transport.handle(MessageType.REPLICA_SCAN, async (body) => {
    const m = unpackObject(body);
    const from = int(m, 'f', 0, SLOTS - 1);
    const to = int(m, 't', from, Math.min(SLOTS - 1, from + MAX_SCAN_SLOTS - 1));
    const keys: Buffer[] = [];
    const recs: Buffer[] = [];
    for await (const r of records.scanSlots(from, to)) {
      keys.push(r.key);
      recs.push(encodeRecord(r.record));
    }
    return pack({ k: keys, r: recs });
  });
}

/** one request of a batch failed: "CODE message" in its place in the answer */
function failure(err: unknown): string {
  const { code, message } = describeThrown(err);
  return `${code} ${message}`;
}

interface ReplicaWrite {
  readonly key: Buffer;
  readonly record: VRecord;
  readonly hintFor: string | null;
}

/** a REPLICA_WRITE's fields (or one entry of a batch), checked */
function replicaWrite(m: Record<string, unknown>): ReplicaWrite {
  return { key: Buffer.from(buf(m, 'k')), record: decodeRecord(buf(m, 'r')), hintFor: optStr(m, 'h') };
}

/** thrown for a forwarded request taken up after its deadline: the forwarder gave up on it */
export class ExpiredRequestError extends Error {
  readonly code = 'EXPIRED';
  constructor(late: number) {
    super(`EXPIRED forwarded request taken up ${late} ms after its deadline; not coordinated`);
    this.name = 'ExpiredRequestError';
  }
}

/** a forwarded request names the last moment (the forwarder's clock) it may be coordinated at */
/** throws ExpiredRequestError when the request's deadline `d` (if any) has passed */
export function checkDeadline(m: Record<string, unknown>, now: () => number): void {
  const deadline = optInt(m, 'd');
  if (deadline === null) return;
  const late = now() - deadline;
  if (late > 0) throw new ExpiredRequestError(late);
}
