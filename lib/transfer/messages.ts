/**
 * Bodies of the transfer messages, validated field by field on receipt:
 *   TRANSFER_PULL  {g: [[from, to], ...] ascending disjoint spans, c: cursor | nil, l: max records}
 *     → {k: [key...], r: [stored record...], c: cursor of the next page | nil when done}
 *   TRANSFER_PUSH  {k: [key...], r: [record...]} → {n: records that changed the receiver's copy}
 * A cursor {s, k} names the last record sent (slot and key); the next page starts after it.
 */
import { buf, int, MessageError, pack, unpackObject } from '../coordinator/messages';
import { keySlot } from '../ring';
import { SLOTS } from '../storage/keys';
import { decodeRecord } from '../versioning';
import type { VRecord } from '../versioning/types';
import { TransferError } from './errors';
import { inSpans, type SlotSpan } from './plan';

export const MAX_SPANS = 16384;
export const MAX_PAGE = 1024;

export interface Cursor {
  readonly slot: number;
  readonly key: Buffer;
}

export interface PullRequest {
  readonly spans: SlotSpan[];
  readonly cursor: Cursor | null;
  readonly limit: number;
}

export interface Page {
  readonly keys: Buffer[];
  readonly records: VRecord[];
}

export interface PullReply extends Page {
  readonly cursor: Cursor | null;
}

const packCursor = (c: Cursor | null) => (c === null ? null : { s: c.slot, k: c.key });

function unpackCursor(v: unknown): Cursor | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new MessageError("field 'c' must be a cursor map or nil");
  const o = v as Record<string, unknown>;
  return { slot: int(o, 's', 0, SLOTS - 1), key: Buffer.from(buf(o, 'k')) };
}

export function encodePullRequest(r: PullRequest): Buffer {
  return pack({ g: r.spans, c: packCursor(r.cursor), l: r.limit });
}

export function decodePullRequest(body: Buffer): PullRequest {
  const o = unpackObject(body);
  if (!Array.isArray(o.g) || o.g.length === 0 || o.g.length > MAX_SPANS) throw new MessageError("field 'g' must be a list of spans");
  let prev = -1;
  const spans: SlotSpan[] = o.g.map((s: unknown) => {
    if (!Array.isArray(s) || s.length !== 2) throw new MessageError('a span must be [from, to]');
    const [a, b] = s as unknown[];
    if (!Number.isInteger(a) || !Number.isInteger(b) || (a as number) <= prev || (b as number) < (a as number) || (b as number) >= SLOTS) {
      throw new MessageError('spans must be ascending, disjoint slot ranges');
    }
    prev = b as number;
    return [a as number, b as number] as const;
  });
  const cursor = unpackCursor(o.c);
  if (cursor !== null && !inSpans(spans, cursor.slot)) throw new MessageError('cursor outside the spans');
  return { spans, cursor, limit: int(o, 'l', 1, MAX_PAGE) };
}

/** `stored`: the records as the store keeps them (the record codec), sent unchanged */
export function encodePullReply(keys: Buffer[], stored: Buffer[], cursor: Cursor | null): Buffer {
  return pack({ k: keys, r: stored, c: packCursor(cursor) });
}

function decodePage(o: Record<string, unknown>, max: number): Page {
  const ks = o.k;
  const rs = o.r;
  if (!Array.isArray(ks) || !Array.isArray(rs) || ks.length !== rs.length || ks.length > max) {
    throw new MessageError("fields 'k' and 'r' must be lists of the same length");
  }
  const keys = ks.map((k) => Buffer.from(buf({ k }, 'k')));
  const records = rs.map((r) => decodeRecord(Buffer.from(buf({ r }, 'r'))));
  return { keys, records };
}

/** a pull reply, checked against the request it answers: every key in the asked spans, past the cursor */
export function decodePullReply(body: Buffer, req: PullRequest): PullReply {
  const o = unpackObject(body);
  const page = decodePage(o, req.limit);
  for (const k of page.keys) {
    if (!inSpans(req.spans, keySlot(k))) throw new TransferError('TRANSFER_BAD_PAGE', 'a pulled key lies outside the asked slots');
  }
  const cursor = unpackCursor(o.c);
  if (cursor !== null && (page.keys.length === 0 || !inSpans(req.spans, cursor.slot))) {
    throw new TransferError('TRANSFER_BAD_PAGE', 'a page that goes on must carry records and a cursor inside the spans');
  }
  return { ...page, cursor };
}

export function encodePush(keys: Buffer[], stored: Buffer[]): Buffer {
  return pack({ k: keys, r: stored });
}

export function decodePush(body: Buffer): Page {
  return decodePage(unpackObject(body), MAX_PAGE);
}
