/**
 * One TCP connection between two nodes, either side: the handshake, then frames both ways.
 * Incoming requests go to the HandlerTable only after the peer proved the cluster secret;
 * responses go to `onResponse` (the outbound side's pending requests). Writes issued in the same
 * turn of the event loop leave in one write (small frames) or one corked writev (large ones).
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../util/clock';
import { encodeErrorBody, decodeErrorBody } from './error-body';
import { REMOTE_CODES, TransportError } from './errors';
import { Frame, FrameKind, MAX_BODY_SIZE, PROTOCOL_VERSION, encodeHeader } from './frame';
import { FrameDecoder, type DecodeEvent } from './frame-decoder';
import type { HandlerTable } from './handler-table';
import * as hs from './handshake';
import { MessageType, CONNECTION_TYPES, messageTypeName } from './message-type';
import type { PeerInfo } from './transport';
import { atTurnEnd, TurnStage } from '../util/turn-end';

export interface ConnectionOptions {
  readonly socket: Socket;
  readonly role: hs.Role;
  /** true when `socket` is still connecting (outbound); the handshake starts on 'connect' */
  readonly connecting: boolean;
  readonly local: PeerInfo;
  readonly secret: string | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handlers: HandlerTable;
  readonly handshakeTimeoutMs: number;
  /** inbound requests in progress beyond this get an OVERLOADED error response */
  readonly maxInflight: number;
  readonly onOpen: (conn: TcpConnection) => void;
  readonly onResponse: (frame: Frame) => void;
  readonly onClose: (conn: TcpConnection, reason: TransportError) => void;
}

type Step = 'await-hello' | 'await-challenge' | 'await-proof' | 'await-ok' | 'open' | 'closed';

const HANDSHAKE_MAX_BODY = 1024;
/** Frames queued this turn up to this size are joined into one buffer before writing. */
const JOIN_LIMIT = 64 * 1024;
/** Beyond this many unsent bytes, send() refuses (back-pressure to the caller). */
const MAX_UNSENT = 128 * 1024 * 1024;

export class TcpConnection {
  private step: Step;
  /** Until the peer is authenticated it may send only small handshake frames. */
  private readonly decoder = new FrameDecoder(HANDSHAKE_MAX_BODY);
  private out: Buffer[] = [];
  private outBytes = 0;
  private flushScheduled = false;
  private inflight = 0;
  private nonceI: Buffer | null = null;
  private nonceA: Buffer | null = null;
  private peerHello: hs.Hello | null = null;
  private cancelHandshakeTimer: CancelTimer | null;
  private lastError: string | null = null;
  /** the authenticated peer; null until the handshake completes */
  peer: PeerInfo | null = null;

  constructor(private readonly o: ConnectionOptions) {
    const s = o.socket;
    this.step = o.role === 'acceptor' ? 'await-hello' : 'await-challenge';
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('error', (err) => {
      this.lastError = err.message;
    });
    s.on('close', () => this.onSocketClose());
    this.cancelHandshakeTimer = o.clock.setTimer(o.handshakeTimeoutMs, () =>
      this.fail('UNREACHABLE', `handshake not complete within ${o.handshakeTimeoutMs} ms`),
    );
    if (o.role === 'initiator') {
      if (o.connecting) s.once('connect', () => this.sendHello());
      else this.sendHello();
    }
  }

  private get live(): boolean {
    return this.step !== 'closed';
  }

  get isOpen(): boolean {
    return this.step === 'open';
  }

  get remote(): string {
    return `${this.o.socket.remoteAddress ?? '?'}:${this.o.socket.remotePort ?? '?'}`;
  }

  /** Queues a frame; false when the connection is not open or too far behind. */
  send(type: number, kind: FrameKind, requestId: number, body: Buffer): boolean {
    if (this.step !== 'open' || this.o.socket.writableLength + this.outBytes > MAX_UNSENT) return false;
    this.queue(type, kind, requestId, body);
    return true;
  }

  /** Closes the connection; `onClose` reports `reason`. */
  close(code: TransportError['code'], message: string): void {
    this.fail(code, message);
  }

  // — handshake —

  private sendHello(): void {
    this.nonceI = randomBytes(hs.NONCE_SIZE);
    const { id, address } = this.o.local;
    this.queue(MessageType.HELLO, FrameKind.REQUEST, 0,
      hs.encodeHello({ version: PROTOCOL_VERSION, nodeId: id, address, nonce: this.nonceI }));
  }

  private onHandshakeFrame(f: Frame): void {
    const expect: Record<string, [MessageType, FrameKind]> = {
      'await-hello': [MessageType.HELLO, FrameKind.REQUEST],
      'await-challenge': [MessageType.HELLO_CHALLENGE, FrameKind.RESPONSE],
      'await-proof': [MessageType.HELLO_PROOF, FrameKind.REQUEST],
      'await-ok': [MessageType.HELLO_OK, FrameKind.RESPONSE],
    };
    if (f.kind === FrameKind.ERROR && this.o.role === 'initiator') {
      const { code, message } = decodeErrorBody(f.body);
      this.fail(code === REMOTE_CODES.AUTH_FAILED ? 'AUTH_FAILED' : 'UNREACHABLE', `peer refused handshake: ${message}`);
      return;
    }
    const [type, kind] = expect[this.step]!;
    if (f.type !== type || f.kind !== kind) {
      this.fail('UNREACHABLE', `${messageTypeName(f.type)} before the handshake completed`);
      return;
    }
    const { secret, local } = this.o;
    switch (this.step) {
      case 'await-hello': {
        const hello = hs.decodeHello(f.body);
        if (!hello) return this.fail('UNREACHABLE', 'malformed HELLO');
        if (hello.version !== PROTOCOL_VERSION) return this.refuse(`protocol version ${hello.version} not supported`);
        this.peerHello = hello;
        this.nonceA = randomBytes(hs.NONCE_SIZE);
        const proof = hs.computeProof(secret, 'acceptor', PROTOCOL_VERSION, hello.nonce, this.nonceA, hello.nodeId, local.id);
        this.queue(MessageType.HELLO_CHALLENGE, FrameKind.RESPONSE, 0, hs.encodeChallenge({
          version: PROTOCOL_VERSION, nodeId: local.id, address: local.address, nonce: this.nonceA, proof,
        }));
        this.step = 'await-proof';
        return;
      }
      case 'await-challenge': {
        const c = hs.decodeChallenge(f.body);
        if (!c) return this.fail('UNREACHABLE', 'malformed HELLO_CHALLENGE');
        const want = hs.computeProof(secret, 'acceptor', PROTOCOL_VERSION, this.nonceI!, c.nonce, local.id, c.nodeId);
        if (!hs.proofMatches(want, c.proof)) {
          this.o.logger.warn({ remote: this.remote, peer: c.nodeId }, 'peer failed to prove the cluster secret');
          return this.fail('AUTH_FAILED', `peer ${c.nodeId} failed to prove the cluster secret`);
        }
        this.peerHello = c;
        const proof = hs.computeProof(secret, 'initiator', PROTOCOL_VERSION, this.nonceI!, c.nonce, local.id, c.nodeId);
        this.queue(MessageType.HELLO_PROOF, FrameKind.REQUEST, 0, hs.encodeProof(proof));
        this.step = 'await-ok';
        return;
      }
      case 'await-proof': {
        const hello = this.peerHello!;
        const got = hs.decodeProof(f.body);
        const want = hs.computeProof(secret, 'initiator', PROTOCOL_VERSION, hello.nonce, this.nonceA!, hello.nodeId, local.id);
        if (!got || !hs.proofMatches(want, got)) {
          this.o.logger.warn({ remote: this.remote, peer: hello.nodeId }, 'peer failed to prove the cluster secret');
          return this.refuse('wrong cluster secret');
        }
        this.queue(MessageType.HELLO_OK, FrameKind.RESPONSE, 0, Buffer.alloc(0));
        return this.opened();
      }
      case 'await-ok':
        return this.opened();
    }
  }

  private opened(): void {
    this.step = 'open';
    this.decoder.maxBodySize = MAX_BODY_SIZE;
    this.cancelHandshakeTimer?.();
    this.cancelHandshakeTimer = null;
    this.peer = { id: this.peerHello!.nodeId, address: this.peerHello!.address };
    this.o.onOpen(this);
  }

  /** Acceptor side: tell the initiator why, then close. */
  private refuse(message: string): void {
    this.queue(MessageType.HELLO_OK, FrameKind.ERROR, 0, encodeErrorBody(REMOTE_CODES.AUTH_FAILED, message));
    this.flush();
    this.fail('AUTH_FAILED', message);
  }

  // — frames —

  private onData(chunk: Buffer): void {
    if (this.step === 'closed') return;
    for (const ev of this.decoder.feed(chunk)) {
      this.onEvent(ev);
      // A violation or failed handshake closes the connection: ignore the rest of the chunk.
      if (!this.live) return;
    }
  }

  private onEvent(ev: DecodeEvent): void {
    if (ev.kind === 'violation') {
      this.o.logger.warn({ remote: this.remote, reason: ev.reason }, 'protocol violation; closing connection');
      return this.fail('UNREACHABLE', `protocol violation: ${ev.reason}`);
    }
    if (this.step !== 'open') {
      if (ev.kind === 'unknown-type') return this.fail('UNREACHABLE', 'unknown frame type during handshake');
      return this.onHandshakeFrame(ev.frame);
    }
    if (ev.kind === 'unknown-type') {
      if (ev.frame.kind === FrameKind.REQUEST) {
        this.queue(ev.frame.type, FrameKind.ERROR, ev.frame.requestId,
          encodeErrorBody(REMOTE_CODES.UNKNOWN_TYPE, `unknown message type ${ev.frame.type}`));
      }
      return;
    }
    const f = ev.frame;
    if (f.kind !== FrameKind.REQUEST) return this.o.onResponse(f);
    if (CONNECTION_TYPES.has(f.type) && f.type !== MessageType.PING) {
      return this.fail('UNREACHABLE', `${messageTypeName(f.type)} after the handshake`);
    }
    if (this.inflight >= this.o.maxInflight) {
      this.queue(f.type, FrameKind.ERROR, f.requestId,
        encodeErrorBody(REMOTE_CODES.OVERLOADED, `more than ${this.o.maxInflight} requests in progress`));
      return;
    }
    this.inflight++;
    void this.o.handlers.dispatch(f.type, f.body, this.peer!).then((outcome) => {
      this.inflight--;
      if (this.step !== 'open') return;
      if (outcome.ok && outcome.body.length > MAX_BODY_SIZE) {
        // an answer no frame can carry fails that request, not the process
        this.queue(f.type, FrameKind.ERROR, f.requestId,
          encodeErrorBody(REMOTE_CODES.GENERIC, `response of ${outcome.body.length} bytes exceeds ${MAX_BODY_SIZE}`));
      } else if (outcome.ok) this.queue(f.type, FrameKind.RESPONSE, f.requestId, outcome.body);
      else this.queue(f.type, FrameKind.ERROR, f.requestId, encodeErrorBody(outcome.code, outcome.message));
    });
  }

  // — writing —

  private queue(type: number, kind: FrameKind, requestId: number, body: Buffer): void {
    this.out.push(encodeHeader(type, kind, requestId, body.length));
    if (body.length > 0) this.out.push(body);
    this.outBytes += 11 + body.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      atTurnEnd(TurnStage.OUTPUT, this.flushNow);
    }
  }

  private readonly flushNow = (): void => this.flush();

  private flush(): void {
    this.flushScheduled = false;
    const s = this.o.socket;
    const out = this.out;
    const bytes = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    if (out.length === 0 || s.destroyed || !s.writable) return;
    if (bytes <= JOIN_LIMIT) {
      s.write(out.length === 1 ? out[0]! : Buffer.concat(out, bytes));
      return;
    }
    s.cork();
    for (const b of out) s.write(b);
    s.uncork();
  }

  // — closing —

  private fail(code: TransportError['code'], message: string): void {
    if (this.step === 'closed') return;
    this.flush();
    this.finish(new TransportError(code, message));
    const s = this.o.socket;
    if (code === 'CLOSED') {
      s.destroy();
      return;
    }
    // Let an already-written refusal reach the peer, then go away for good.
    s.end();
    const cancel = this.o.clock.setTimer(1000, () => s.destroy());
    s.once('close', cancel);
  }

  private onSocketClose(): void {
    if (this.step === 'closed') return;
    const remote = this.remote;
    if (this.step === 'await-proof' && this.peerHello) {
      // the initiator checked our proof first and hung up: its cluster-secret differs from ours
      this.o.logger.warn({ remote, peer: this.peerHello.nodeId }, 'peer hung up during the handshake: cluster-secret mismatch?');
    }
    this.finish(
      this.step === 'open'
        ? new TransportError('CLOSED', `connection to ${remote} closed${this.lastError ? `: ${this.lastError}` : ''}`)
        : new TransportError('UNREACHABLE', this.lastError ?? `connection to ${remote} closed during handshake`),
    );
  }

  private finish(reason: TransportError): void {
    this.step = 'closed';
    this.cancelHandshakeTimer?.();
    this.cancelHandshakeTimer = null;
    this.out = [];
    this.outBytes = 0;
    this.o.onClose(this, reason);
  }
}
