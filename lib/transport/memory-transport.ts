/**
 * The Transport on a MemoryNetwork: same contract as TcpTransport (handlers, error responses,
 * per-request timeouts on the network's clock), no sockets. Bodies are copied on send, so
 * neither side can see the other mutate a buffer.
 */
import type { NodeId } from '../versioning/types';
import { decodeErrorBody, encodeErrorBody } from './error-body';
import { TransportError, TransportUsageError } from './errors';
import { FrameKind, MAX_BODY_SIZE } from './frame';
import { HandlerTable } from './handler-table';
import type { MemoryMessage, MemoryNetwork } from './memory-network';
import { CONNECTION_TYPES, MessageType, isKnownMessageType, messageTypeName } from './message-type';
import { PendingRequests } from './pending-requests';
import type { Handler, PeerInfo, Transport } from './transport';

export class MemoryTransport implements Transport {
  private readonly handlers = new HandlerTable();
  private readonly pending: PendingRequests;
  private state: 'new' | 'started' | 'crashed' | 'closed' = 'new';
  private incarnation = 0;

  constructor(
    private readonly network: MemoryNetwork,
    readonly localId: NodeId,
    readonly address: string,
  ) {
    this.pending = new PendingRequests(network.clock);
  }

  /** True while started and not crashed or closed. */
  get running(): boolean {
    return this.state === 'started';
  }

  handle(type: MessageType, handler: Handler): void {
    this.handlers.register(type, handler);
  }

  onInbound(fn: (from: PeerInfo) => void): void {
    this.handlers.onInbound(fn);
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new TransportUsageError(`cannot start a ${this.state} transport`);
    this.state = 'started';
    this.incarnation = this.network.nextIncarnation();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending.rejectAll(() => new TransportError('CLOSED', 'transport closed'));
  }

  request(address: string, type: MessageType, body: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.state !== 'started') return Promise.reject(new TransportError('CLOSED', `transport is ${this.state}`));
    if (!isKnownMessageType(type) || (CONNECTION_TYPES.has(type) && type !== MessageType.PING)) {
      return Promise.reject(new TransportUsageError(`cannot send a request of type ${type}`));
    }
    if (body.length > MAX_BODY_SIZE) {
      return Promise.reject(new TransportUsageError(`body of ${body.length} bytes exceeds ${MAX_BODY_SIZE}`));
    }
    const { id, promise } = this.pending.add(timeoutMs, () => `${messageTypeName(type)} to ${address}`);
    this.network.send({
      from: this.address, fromId: this.localId, to: address, type, kind: FrameKind.REQUEST,
      requestId: id, body: Buffer.from(body), incarnation: this.incarnation,
    });
    return promise;
  }

  // — called by MemoryNetwork —

  /** @internal */
  receive(m: MemoryMessage): void {
    if (m.kind !== FrameKind.REQUEST) {
      if (m.incarnation !== this.incarnation) return;
      if (m.kind === FrameKind.RESPONSE) {
        this.pending.resolve(m.requestId, m.body);
      } else {
        const { code, message } = decodeErrorBody(m.body);
        this.pending.reject(m.requestId, new TransportError('REMOTE_ERROR', message, code));
      }
      return;
    }
    const serving = this.incarnation;
    void this.handlers.dispatch(m.type, m.body, { id: m.fromId, address: m.from }).then((outcome) => {
      if (this.incarnation !== serving || !this.running) return;
      const body = outcome.ok
        ? Buffer.from(outcome.body)
        : encodeErrorBody(outcome.code, outcome.message);
      this.network.send({
        from: this.address, fromId: this.localId, to: m.from, type: m.type,
        kind: outcome.ok ? FrameKind.RESPONSE : FrameKind.ERROR,
        requestId: m.requestId, body, incarnation: m.incarnation,
      });
    });
  }

  /** @internal The network found nothing running at a request's destination. */
  unreachable(m: MemoryMessage): void {
    if (m.incarnation !== this.incarnation) return;
    this.pending.reject(m.requestId, new TransportError('UNREACHABLE', `nothing runs at ${m.to}`));
  }

  /** @internal */
  crashed(): void {
    this.state = this.state === 'started' ? 'crashed' : this.state;
    this.incarnation = this.network.nextIncarnation();
    this.pending.rejectAll(() => new TransportError('CLOSED', `${this.localId} crashed`));
  }

  /** @internal */
  restarted(): void {
    if (this.state !== 'crashed') return;
    this.state = 'started';
    this.incarnation = this.network.nextIncarnation();
  }
}
