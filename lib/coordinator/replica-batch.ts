/**
 * Batching of the requests a coordinator sends its replicas on every operation (REPLICA_WRITE,
 * REPLICA_READ). The requests of one kind for one peer issued in one run of microtasks (the
 * commands of one client read, or one admission turn, start together) leave as one batch
 * request, answered with one response that has an outcome per request, instead of one request,
 * handler call and response each. A request alone goes as the plain message.
 *
 * Nothing waits for a timer: a batch leaves by the end of the event-loop turn its requests were
 * issued in (BatchSchedule), so no request is delayed past the turn that would have sent it alone.
 */
import type { MessageType } from '../transport/message-type';
import { TransportError } from '../transport/errors';
import type { NodeId } from '../versioning/types';
import { MessageError } from './messages';

/**
 * Defers a batch's sending. queueMicrotask: the end of the current run of microtasks (one client
 * read's commands). A node on real sockets sends just before the event-loop turn's output stage
 * (turn-end.ts, beforeOutput), when its peer frames leave anyway: the requests of every client
 * read of the turn share a batch at no cost in latency.
 */
export type BatchSchedule = (send: () => void) => void;

/** the most requests one batch carries; more leave as further batches */
export const MAX_BATCH = 256;

/** sends one request to a replica (the coordinator's, which reports success and failure) */
export type ReplicaRequest = (id: NodeId, type: MessageType, body: Buffer) => Promise<Buffer>;

/** how one kind of request goes alone and in a batch */
export interface BatchKind<Q, A> {
  readonly single: MessageType;
  readonly batch: MessageType;
  encodeOne(q: Q): Buffer;
  decodeOne(body: Buffer): A;
  encodeBatch(qs: readonly Q[]): Buffer;
  /** one outcome per request, in order: its answer, or the error its replica reported */
  decodeBatch(body: Buffer, n: number): Array<A | TransportError>;
}

interface Pending<Q, A> {
  readonly q: Q;
  readonly resolve: (a: A) => void;
  readonly reject: (err: unknown) => void;
}

export class ReplicaBatcher<Q, A> {
  private queued = new Map<NodeId, Array<Pending<Q, A>>>();
  private flushQueued = false;

  constructor(
    private readonly kind: BatchKind<Q, A>,
    private readonly request: ReplicaRequest,
    /** when a batch leaves: at the end of the microtask run (default) or later (see BatchSchedule) */
    private readonly schedule: BatchSchedule = queueMicrotask,
  ) {}

  send(id: NodeId, q: Q): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      let list = this.queued.get(id);
      if (list === undefined) this.queued.set(id, (list = []));
      list.push({ q, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        this.schedule(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    const queued = this.queued;
    this.queued = new Map();
    for (const [id, list] of queued) {
      for (let i = 0; i < list.length; i += MAX_BATCH) this.sendList(id, list.slice(i, i + MAX_BATCH));
    }
  };

  private sendList(id: NodeId, list: Array<Pending<Q, A>>): void {
    const kind = this.kind;
    if (list.length === 1) {
      const p = list[0];
      this.request(id, kind.single, kind.encodeOne(p.q)).then((body) => p.resolve(kind.decodeOne(body))).catch(p.reject);
      return;
    }
    this.request(id, kind.batch, kind.encodeBatch(list.map((p) => p.q))).then(
      (body) => {
        let outcomes: Array<A | TransportError>;
        try {
          outcomes = kind.decodeBatch(body, list.length);
        } catch (err) {
          for (const p of list) p.reject(err);
          return;
        }
        list.forEach((p, i) => {
          const o = outcomes[i];
          if (o instanceof TransportError) p.reject(o);
          else p.resolve(o);
        });
      },
      (err: unknown) => {
        for (const p of list) p.reject(err);
      },
    );
  }
}

/** a batch answer's outcomes field: exactly `n` entries, each passing `ok` */
export function outcomeList(v: unknown, field: string, n: number, ok: (x: unknown) => boolean): unknown[] {
  if (!Array.isArray(v) || v.length !== n || !v.every(ok)) throw new MessageError(`field '${field}' must list ${n} outcomes`);
  return v;
}

/** "CODE message", as a replica reports one request of a batch failing, seen from here */
export function remoteError(f: string): TransportError {
  const at = f.indexOf(' ');
  return new TransportError('REMOTE_ERROR', at < 0 ? f : f.slice(at + 1), at < 0 ? f : f.slice(0, at));
}
