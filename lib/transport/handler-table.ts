/**
 * The handlers of one transport and the common dispatch both implementations use: PING is
 * answered here, unknown and unhandled types become error outcomes, and whatever a handler
 * throws (synchronously or not) becomes an error outcome. Dispatch never rejects.
 */
import { REMOTE_CODES, TransportUsageError } from './errors';
import { describeThrown } from './error-body';
import { CONNECTION_TYPES, MessageType, isKnownMessageType, messageTypeName } from './message-type';
import type { Handler, PeerInfo } from './transport';

export type DispatchOutcome =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly code: string; readonly message: string };

export class HandlerTable {
  private readonly handlers = new Map<number, Handler>();
  private inbound: ((from: PeerInfo) => void) | null = null;

  /** called with the sender of every request that arrives (before it is handled) */
  onInbound(fn: (from: PeerInfo) => void): void {
    this.inbound = fn;
  }

  register(type: MessageType, handler: Handler): void {
    if (!isKnownMessageType(type)) throw new TransportUsageError(`unknown message type ${type}`);
    if (CONNECTION_TYPES.has(type)) {
      throw new TransportUsageError(`${messageTypeName(type)} is answered by the transport itself`);
    }
    if (this.handlers.has(type)) {
      throw new TransportUsageError(`a handler for ${messageTypeName(type)} is already registered`);
    }
    this.handlers.set(type, handler);
  }

  async dispatch(type: number, body: Buffer, from: PeerInfo): Promise<DispatchOutcome> {
    this.inbound?.(from);
    if (type === MessageType.PING) return { ok: true, body };
    if (!isKnownMessageType(type)) {
      return { ok: false, code: REMOTE_CODES.UNKNOWN_TYPE, message: `unknown message type ${type}` };
    }
    const handler = this.handlers.get(type);
    if (!handler) {
      return { ok: false, code: REMOTE_CODES.NO_HANDLER, message: `no handler for ${messageTypeName(type)}` };
    }
    try {
      const result = await handler(body, from);
      if (!Buffer.isBuffer(result)) {
        return { ok: false, code: REMOTE_CODES.GENERIC, message: `handler for ${messageTypeName(type)} returned no Buffer` };
      }
      return { ok: true, body: result };
    } catch (err) {
      const { code, message } = describeThrown(err);
      return { ok: false, code, message };
    }
  }
}
