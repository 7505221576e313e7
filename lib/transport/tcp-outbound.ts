/**
 * The outbound side of one peer address: a lazily opened connection, the requests waiting on it
 * (multiplexed by id, each with its own timeout) and reconnection with capped exponential
 * backoff. There is no background reconnect loop: a request arriving while no connection is
 * open starts one, unless a connect attempt failed recently, in which case the request fails
 * fast with UNREACHABLE until the backoff has passed.
 */
import type { Clock } from '../util/clock';
import { decodeErrorBody } from './error-body';
import { TransportError } from './errors';
import { Frame, FrameKind } from './frame';
import { messageTypeName } from './message-type';
import { PendingRequests } from './pending-requests';
import type { TcpConnection } from './tcp-connection';

export interface OutboundOptions {
  readonly address: string;
  readonly clock: Clock;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  /** requests waiting for the connection to open; beyond it requests fail OVERLOADED */
  readonly maxQueued: number;
  /** opens a connection whose events come back through onOpen / onResponse / onClose */
  readonly connect: (peer: OutboundPeer) => TcpConnection;
}

interface Queued {
  readonly id: number;
  readonly type: number;
  readonly body: Buffer;
}

export class OutboundPeer {
  private conn: TcpConnection | null = null;
  private readonly pending: PendingRequests;
  private queued: Queued[] = [];
  private failures = 0;
  private retryAt = 0;
  private closed = false;

  constructor(private readonly o: OutboundOptions) {
    this.pending = new PendingRequests(o.clock);
  }

  get inflight(): number {
    return this.pending.size;
  }

  request(type: number, body: Buffer, timeoutMs: number): Promise<Buffer> {
    const { address, clock } = this.o;
    if (this.closed) return Promise.reject(new TransportError('CLOSED', 'transport closed'));
    const describe = () => `${messageTypeName(type)} to ${address}`;
    if (this.conn?.isOpen) {
      const { id, promise } = this.pending.add(timeoutMs, describe);
      if (!this.conn.send(type, FrameKind.REQUEST, id, body)) {
        this.pending.reject(id, new TransportError('OVERLOADED', `send buffer to ${address} is full`));
      }
      return promise;
    }
    if (!this.conn) {
      const wait = this.retryAt - clock.now();
      if (wait > 0) {
        return Promise.reject(new TransportError('UNREACHABLE',
          `${address} unreachable (${this.failures} failed connects; next attempt in ${wait} ms)`));
      }
      this.conn = this.o.connect(this);
    }
    if (this.queued.length >= this.o.maxQueued) {
      return Promise.reject(new TransportError('OVERLOADED', `${this.queued.length} requests already wait for ${address}`));
    }
    const { id, promise } = this.pending.add(timeoutMs, describe);
    this.queued.push({ id, type, body });
    return promise;
  }

  onOpen(conn: TcpConnection): void {
    if (conn !== this.conn) return;
    this.failures = 0;
    this.retryAt = 0;
    const queued = this.queued;
    this.queued = [];
    for (const q of queued) {
      if (this.pending.has(q.id) && !conn.send(q.type, FrameKind.REQUEST, q.id, q.body)) {
        this.pending.reject(q.id, new TransportError('OVERLOADED', `send buffer to ${this.o.address} is full`));
      }
    }
  }

  onResponse(frame: Frame): void {
    if (frame.kind === FrameKind.RESPONSE) {
      this.pending.resolve(frame.requestId, frame.body);
      return;
    }
    const { code, message } = decodeErrorBody(frame.body);
    this.pending.reject(frame.requestId, new TransportError('REMOTE_ERROR', message, code));
  }

  onClose(conn: TcpConnection, reason: TransportError): void {
    if (conn !== this.conn) return;
    this.conn = null;
    this.queued = [];
    if (reason.code !== 'CLOSED') {
      // The connection never opened: back off before trying again.
      this.failures++;
      const backoff = Math.min(this.o.reconnectBaseMs * 2 ** (this.failures - 1), this.o.reconnectMaxMs);
      this.retryAt = this.o.clock.now() + backoff;
    }
    this.pending.rejectAll(() => new TransportError(reason.code, reason.message));
  }

  /** the peer connected to this node: it runs again, so the next request connects at once */
  peerIsBack(): void {
    this.failures = 0;
    this.retryAt = 0;
  }

  close(): void {
    this.closed = true;
    this.conn?.close('CLOSED', 'transport closed');
    this.conn = null;
    this.pending.rejectAll(() => new TransportError('CLOSED', 'transport closed'));
  }
}
