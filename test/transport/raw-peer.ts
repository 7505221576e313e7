/** A hand-driven peer for TCP tests: writes exact bytes and frames, reads frames back. */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameKind, PROTOCOL_VERSION, type Frame } from '../../lib/transport/frame';
import { FrameDecoder } from '../../lib/transport/frame-decoder';
import * as hs from '../../lib/transport/handshake';
import { MessageType } from '../../lib/transport/message-type';

export class RawPeer {
  private readonly decoder = new FrameDecoder();
  private readonly frames: Frame[] = [];
  private waiter: (() => void) | null = null;
  /** resolves when the other side closes the connection */
  readonly closed: Promise<void>;
  isClosed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const ev of this.decoder.feed(chunk)) if (ev.kind !== 'violation') this.frames.push(ev.frame);
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => {
      this.isClosed = true;
      this.waiter?.();
      resolve();
    }));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendFrame(type: number, kind: FrameKind, requestId: number, body: Buffer): void {
    this.write(encodeFrame(type, kind, requestId, body));
  }

  /** The next frame received; null if the connection closes first. */
  async nextFrame(): Promise<Frame | null> {
    while (this.frames.length === 0 && !this.isClosed) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.frames.shift() ?? null;
  }

  /** Sends HELLO and returns the acceptor's challenge (proof unchecked). */
  async hello(id = 'raw-peer'): Promise<{ challenge: hs.Challenge; nonce: Buffer }> {
    const nonce = randomBytes(hs.NONCE_SIZE);
    this.sendFrame(MessageType.HELLO, FrameKind.REQUEST, 0,
      hs.encodeHello({ version: PROTOCOL_VERSION, nodeId: id, address: '127.0.0.1:1', nonce }));
    const f = await this.nextFrame();
    if (!f || f.type !== MessageType.HELLO_CHALLENGE) throw new Error('no HELLO_CHALLENGE');
    return { challenge: hs.decodeChallenge(f.body)!, nonce };
  }

  /** The whole initiator handshake with `secret`; resolves true when the acceptor said HELLO_OK. */
  async handshake(secret: string | null, id = 'raw-peer'): Promise<boolean> {
    const { challenge, nonce } = await this.hello(id);
    const proof = hs.computeProof(secret, 'initiator', PROTOCOL_VERSION, nonce, challenge.nonce, id, challenge.nodeId);
    this.sendFrame(MessageType.HELLO_PROOF, FrameKind.REQUEST, 0, proof);
    const f = await this.nextFrame();
    return f !== null && f.type === MessageType.HELLO_OK && f.kind === FrameKind.RESPONSE;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
