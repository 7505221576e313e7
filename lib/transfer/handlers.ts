/**
 * The serving side of ownership transfer, one handler per message type:
 *   TRANSFER_PULL  a page of this replica's records of the asked spans, from the cursor on
 *   TRANSFER_PUSH  records handed over by a leaving node, merged like any replica write
 * Records are read straight from the store in key order (slot, then key), so a page resumes
 * exactly after its cursor without rescanning the slot.
 */
import type { RecordStore } from '../storage/record-store';
import { dataKey, dataRange, parseDataKey } from '../storage/keys';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import { keySlot } from '../ring';
import { pack } from '../coordinator/messages';
import { decodePullRequest, decodePush, encodePullReply, type Cursor, type PullRequest } from './messages';

/** stop filling a page past this many bytes of records */
const PAGE_BYTES = 1024 * 1024;

export interface TransferCounters {
  /** records served to pulls */
  served: number;
  /** records merged from pushes */
  received: number;
}

/** the smallest store key after `c` */
function after(c: Cursor): Buffer {
  return Buffer.concat([dataKey(c.slot, c.key), Buffer.from([0])]);
}

export async function readPage(records: RecordStore, req: PullRequest): Promise<{ keys: Buffer[]; stored: Buffer[]; cursor: Cursor | null }> {
  const keys: Buffer[] = [];
  const stored: Buffer[] = [];
  let bytes = 0;
  let lastSlot = 0;
  for (const [from, to] of req.spans) {
    if (req.cursor !== null && to < req.cursor.slot) continue;
    const range = dataRange(from, to);
    const gte = req.cursor !== null && req.cursor.slot >= from ? after(req.cursor) : range.gte;
    for await (const [k, v] of records.store.range({ gte, lt: range.lt })) {
      if (keys.length >= req.limit || bytes >= PAGE_BYTES) {
        return { keys, stored, cursor: { slot: lastSlot, key: keys[keys.length - 1]! } };
      }
      const { slot, key } = parseDataKey(k);
      lastSlot = slot;
      keys.push(Buffer.from(key));
      stored.push(v);
      bytes += key.length + v.length;
    }
  }
  return { keys, stored, cursor: null };
}

export function registerTransferHandlers(transport: Transport, records: RecordStore, counters: TransferCounters): void {
  transport.handle(MessageType.TRANSFER_PULL, async (body) => {
    const page = await readPage(records, decodePullRequest(body));
    counters.served += page.keys.length;
    return encodePullReply(page.keys, page.stored, page.cursor);
  });

  transport.handle(MessageType.TRANSFER_PUSH, async (body) => {
    const page = decodePush(body);
    const results = await Promise.all(page.keys.map((k, i) => records.merge(keySlot(k), k, page.records[i]!)));
    counters.received += page.keys.length;
    return pack({ n: results.filter((r) => r.changed).length });
  });
}
