/**
 * The Transport: request/response messaging between nodes, multiplexed over one connection per
 * peer. Implemented by TcpTransport (real sockets, authenticated) and MemoryTransport (a
 * simulated network with a manual clock); both pass test/transport/transport-compliance.ts.
 */
import type { NodeId } from '../versioning/types';
import type { MessageType } from './message-type';

/** Who sent a request: its node id and its advertised (cluster-port) address. */
export interface PeerInfo {
  readonly id: NodeId;
  readonly address: string;
}

/**
 * Serves one message type. The returned Buffer is the response body; a thrown error (or a
 * rejected promise) becomes an error response carrying the error's `code` (or 'ERR') and message,
 * which the requester sees as TransportError 'REMOTE_ERROR'.
 */
export type Handler = (body: Buffer, from: PeerInfo) => Promise<Buffer> | Buffer;

export interface Transport {
  readonly localId: NodeId;
  /** this node's advertised address (valid after start) */
  readonly address: string;
  start(): Promise<void>;
  /** stops serving; requests still waiting reject with 'CLOSED' */
  close(): Promise<void>;
  /**
   * Sends a request to the peer at `address` (host:port) and resolves with its response body.
   * Rejects with a TransportError: 'TIMEOUT' | 'UNREACHABLE' | 'AUTH_FAILED' | 'REMOTE_ERROR' |
   * 'CLOSED' | 'OVERLOADED'. `timeoutMs` covers connecting, the handshake and the reply.
   */
  request(address: string, type: MessageType, body: Buffer, timeoutMs: number): Promise<Buffer>;
  /** Registers the one handler for `type` (throws on a second registration or a connection type). */
  handle(type: MessageType, handler: Handler): void;
  /** Called with the sender of every request that arrives (one listener). */
  onInbound(fn: (from: PeerInfo) => void): void;
}
