/** The peer transport's public surface. */
export { MessageType, isKnownMessageType, messageTypeName } from './message-type';
export type { Transport, PeerInfo, Handler } from './transport';
export { TransportError, TransportUsageError, REMOTE_CODES, type TransportErrorCode } from './errors';
export { TcpTransport, type TcpTransportOptions } from './tcp-transport';
export { MemoryNetwork, type MemoryMessage, type MessageHook, type MemoryNetworkOptions } from './memory-network';
export { MemoryTransport } from './memory-transport';
export { PROTOCOL_VERSION, MAX_BODY_SIZE } from './frame';
