/**
 * The Transport over TCP: listens on the cluster port, keeps one outbound connection per peer
 * address (opened lazily, see tcp-outbound.ts), and serves inbound connections once the peer has
 * proved the cluster secret (see handshake.ts). Without a secret only loopback peers are served.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../util/clock';
import type { NodeId } from '../versioning/types';
import { formatAddress, isLoopback, parseAddress } from './address';
import { TransportError, TransportUsageError } from './errors';
import { MAX_BODY_SIZE } from './frame';
import { HandlerTable } from './handler-table';
import { CONNECTION_TYPES, MessageType, isKnownMessageType } from './message-type';
import { TcpConnection } from './tcp-connection';
import { OutboundPeer } from './tcp-outbound';
import type { Handler, PeerInfo, Transport } from './transport';

export interface TcpTransportOptions {
  readonly localId: NodeId;
  readonly listenHost: string;
  /** 0 picks a free port (see `address` after start) */
  readonly listenPort: number;
  /** host:port peers reach this node at; default listenHost:boundPort */
  readonly advertiseAddress?: string;
  /** the local address of outbound connections (bind-source-addr); default: the system's choice */
  readonly sourceAddress?: string;
  /** the cluster-secret; null accepts loopback peers only */
  readonly secret: string | null;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** connect + handshake must finish within this; default 5000 */
  readonly handshakeTimeoutMs?: number;
  /** first and largest wait after a failed connect; default 100 and 5000 */
  readonly reconnectBaseMs?: number;
  readonly reconnectMaxMs?: number;
  /** requests waiting for a connection to open, per peer; default 10000 */
  readonly maxQueuedPerPeer?: number;
  /** inbound requests in progress per connection; default 10000 */
  readonly maxInflightPerConnection?: number;
}

export class TcpTransport implements Transport {
  readonly localId: NodeId;
  private readonly handlers = new HandlerTable();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly peers = new Map<string, OutboundPeer>();
  private readonly inbound = new Set<TcpConnection>();
  private server: Server | null = null;
  private advertised: string | null;
  private state: 'new' | 'started' | 'closed' = 'new';

  constructor(private readonly o: TcpTransportOptions) {
    this.localId = o.localId;
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ module: 'transport' });
    this.advertised = o.advertiseAddress ?? null;
  }

  get address(): string {
    if (this.advertised === null) throw new TransportUsageError('transport not started');
    return this.advertised;
  }

  /** The bound port (after start). */
  get port(): number {
    const a = this.server?.address();
    if (!a || typeof a === 'string') throw new TransportUsageError('transport not listening');
    return a.port;
  }

  /** Connection and request counts, for INFO and metrics. */
  stats(): { inboundConnections: number; outboundPeers: number; waitingRequests: number } {
    let waiting = 0;
    for (const p of this.peers.values()) waiting += p.inflight;
    return { inboundConnections: this.inbound.size, outboundPeers: this.peers.size, waitingRequests: waiting };
  }

  handle(type: MessageType, handler: Handler): void {
    this.handlers.register(type, handler);
  }

  onInbound(fn: (from: PeerInfo) => void): void {
    this.handlers.onInbound(fn);
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new TransportUsageError(`cannot start a ${this.state} transport`);
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.listenPort, this.o.listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error({ err }, 'cluster port error'));
    this.server = server;
    this.state = 'started';
    this.advertised ??= formatAddress(this.o.listenHost, this.port);
    const listening = formatAddress(this.o.listenHost, this.port);
    this.log.info({ address: listening, ...(listening !== this.advertised ? { announced: this.advertised } : {}), secret: this.o.secret !== null }, 'cluster transport listening');
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    for (const conn of this.inbound) conn.close('CLOSED', 'transport closed');
    this.inbound.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  request(address: string, type: MessageType, body: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.state !== 'started') return Promise.reject(new TransportError('CLOSED', `transport is ${this.state}`));
    if (!isKnownMessageType(type) || (CONNECTION_TYPES.has(type) && type !== MessageType.PING)) {
      return Promise.reject(new TransportUsageError(`cannot send a request of type ${type}`));
    }
    if (body.length > MAX_BODY_SIZE) {
      return Promise.reject(new TransportUsageError(`body of ${body.length} bytes exceeds ${MAX_BODY_SIZE}`));
    }
    let peer = this.peers.get(address);
    if (!peer) {
      const target = parseAddress(address);
      if (!target) return Promise.reject(new TransportError('UNREACHABLE', `bad peer address '${address}'`));
      peer = new OutboundPeer({
        address,
        clock: this.clock,
        reconnectBaseMs: this.o.reconnectBaseMs ?? 100,
        reconnectMaxMs: this.o.reconnectMaxMs ?? 5000,
        maxQueued: this.o.maxQueuedPerPeer ?? 10_000,
        connect: (p) => this.connectTo(target.host, target.port, address, p),
      });
      this.peers.set(address, peer);
    }
    return peer.request(type, body, timeoutMs);
  }

  private connectTo(host: string, port: number, address: string, peer: OutboundPeer): TcpConnection {
    const socket = createConnection({ host, port, ...(this.o.sourceAddress !== undefined ? { localAddress: this.o.sourceAddress } : {}) });
    this.log.debug({ peer: address }, 'connecting');
    return new TcpConnection({
      ...this.connectionOptions(socket),
      role: 'initiator',
      connecting: true,
      onOpen: (conn) => {
        this.log.debug({ peer: address, id: conn.peer?.id }, 'connected');
        peer.onOpen(conn);
      },
      onResponse: (frame) => peer.onResponse(frame),
      onClose: (conn, reason) => {
        this.log.debug({ peer: address, code: reason.code, reason: reason.message }, 'outbound connection closed');
        peer.onClose(conn, reason);
      },
    });
  }

  private accept(socket: Socket): void {
    const remote = socket.remoteAddress;
    if (this.state !== 'started') {
      socket.destroy();
      return;
    }
    if (this.o.secret === null && !isLoopback(remote)) {
      this.log.warn({ remote }, 'refused a non-loopback peer: no cluster-secret is configured');
      socket.destroy();
      return;
    }
    const conn = new TcpConnection({
      ...this.connectionOptions(socket),
      role: 'acceptor',
      connecting: false,
      onOpen: (c) => {
        this.log.debug({ remote, id: c.peer?.id }, 'peer connected');
        // a peer that failed to connect to runs again: no back-off before connecting to it
        if (c.peer) this.peers.get(c.peer.address)?.peerIsBack();
      },
      // Requests are only sent on outbound connections; a response here is stray.
      onResponse: () => undefined,
      onClose: (c, reason) => {
        this.inbound.delete(c);
        this.log.debug({ remote, code: reason.code, reason: reason.message }, 'inbound connection closed');
      },
    });
    this.inbound.add(conn);
  }

  private connectionOptions(socket: Socket) {
    return {
      socket,
      local: { id: this.localId, address: this.address },
      secret: this.o.secret,
      clock: this.clock,
      logger: this.log,
      handlers: this.handlers,
      handshakeTimeoutMs: this.o.handshakeTimeoutMs ?? 5000,
      maxInflight: this.o.maxInflightPerConnection ?? 10_000,
    };
  }
}
