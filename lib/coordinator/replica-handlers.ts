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
import { buf, int, optBuf, optInt, optStr, pack, unpackObject, unpackVersion } from './messages';
import { SLOTS } from '../storage/keys';

const MAX_SCAN_SLOTS = 1024;
/** a key this replica holds nothing for */
const EMPTY = encodeRecord(emptyRecord());

export function registerReplicaHandlers(
  transport: Transport,
  records: RecordStore,
  coordinator: Coordinator,
  hints: HintSink | null,
  now: () => number,
): void {
  transport.handle(MessageType.REPLICA_READ, async (body) => {
    const key = buf(unpackObject(body), 'k');
    // the bytes as stored: the coordinator decodes (and checks) them, so no decode and re-encode here
    return pack({ r: (await records.getStored(keySlot(key), key)) ?? EMPTY });
  });

  transport.handle(MessageType.REPLICA_WRITE, async (body) => {
    const m = unpackObject(body);
    const key = Buffer.from(buf(m, 'k'));
    const rec = decodeRecord(buf(m, 'r'));
    const hintFor = optStr(m, 'h');
    const slot = keySlot(key);
    // a fallback keeps the write with the name of the node it stands in for: the hint first, so
    // no crash leaves it a copy that nothing will ever hand over
    if (hintFor !== null) await hints?.persisted(hintFor, slot, key);
    await records.merge(slot, key, rec);
    return pack({});
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

/** thrown for a forwarded request taken up after its deadline: the forwarder gave up on it */
export class ExpiredRequestError extends Error {
  readonly code = 'EXPIRED';
  constructor(late: number) {
    super(`EXPIRED forwarded request taken up ${late} ms after its deadline; not coordinated`);
    this.name = 'ExpiredRequestError';
  }
}

/** a forwarded request names the last moment (the forwarder's clock) it may be coordinated at */
function checkDeadline(m: Record<string, unknown>, now: () => number): void {
  const deadline = optInt(m, 'd');
  if (deadline === null) return;
  const late = now() - deadline;
  if (late > 0) throw new ExpiredRequestError(late);
}
