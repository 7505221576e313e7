/**
 * The two requests a coordinator sends its replicas on every operation, alone and batched
 * (replica-batch.ts): REPLICA_WRITE / REPLICA_WRITE_BATCH and REPLICA_READ / REPLICA_READ_BATCH.
 * The replica side is in replica-handlers.ts.
 */
import { MessageType } from '../transport/message-type';
import type { TransportError } from '../transport/errors';
import type { NodeId } from '../versioning/types';
import { buf, pack, unpackObject } from './messages';
import { outcomeList, remoteError, type BatchKind } from './replica-batch';

export interface WriteRequest {
  readonly key: Buffer;
  /** the record's stored bytes */
  readonly record: Buffer;
  /** the node the replica keeps the write for (a fallback's hint), or null */
  readonly hintFor: NodeId | null;
}

export const REPLICA_WRITES: BatchKind<WriteRequest, void> = {
  single: MessageType.REPLICA_WRITE,
  batch: MessageType.REPLICA_WRITE_BATCH,
  encodeOne: (q) => pack({ k: q.key, r: q.record, h: q.hintFor }),
  decodeOne: () => undefined,
  encodeBatch: (qs) => pack({ k: qs.map((q) => q.key), r: qs.map((q) => q.record), h: qs.map((q) => q.hintFor) }),
  decodeBatch: (body, n) => {
    const f = writeFailures(body, n);
    return Array.from({ length: n }, (_, i) => (f === null || f[i] === null ? undefined : remoteError(f[i]!)));
  },
};

/**
 * What a replica answers a write batch: `{}` when every write landed, else `{ e: [...] }` with,
 * per write in order, null or "CODE message". Null here means every write landed.
 */
export function writeFailures(body: Buffer, n: number): Array<string | null> | null {
  const m = unpackObject(body);
  if (m.e === undefined) return null;
  return outcomeList(m.e, 'e', n, (x) => x === null || typeof x === 'string') as Array<string | null>;
}

/** a read answers with the replica's stored bytes of the key (an empty record when it has none) */
export const REPLICA_READS: BatchKind<Buffer, Buffer> = {
  single: MessageType.REPLICA_READ,
  batch: MessageType.REPLICA_READ_BATCH,
  encodeOne: (key) => pack({ k: key }),
  decodeOne: (body) => buf(unpackObject(body), 'r'),
  encodeBatch: (keys) => pack({ k: keys }),
  // per key in order: its stored bytes, or "CODE message" when reading it failed
  decodeBatch: (body, n) =>
    outcomeList(unpackObject(body).r, 'r', n, (x) => x instanceof Uint8Array || typeof x === 'string').map(
      (x): Buffer | TransportError => (typeof x === 'string' ? remoteError(x) : buf({ r: x }, 'r')),
    ),
};
