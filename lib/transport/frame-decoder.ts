/**
 * Streaming frame decoder (pure): feed it socket chunks, get whole frames back. It validates the
 * header of every frame and never throws: a malformed stream yields one 'violation' event, after
 * which the decoder ignores all input (the connection is to be closed). A frame whose type this
 * build does not know yields 'unknown-type' instead of 'frame', so the connection can answer it
 * with an error and carry on.
 */
import {
  Frame,
  HEADER_SIZE,
  LENGTH_OVERHEAD,
  MAX_BODY_SIZE,
  PROTOCOL_VERSION,
  isFrameKind,
} from './frame';
import { isKnownMessageType } from './message-type';

export type DecodeEvent =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'unknown-type'; readonly frame: Frame }
  | { readonly kind: 'violation'; readonly reason: string };

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  /** Largest body accepted; may be raised later (e.g. once a peer has authenticated). */
  constructor(public maxBodySize = MAX_BODY_SIZE) {}

  /** True once a violation was reported. */
  get broken(): boolean {
    return this.failed;
  }

  /** Bytes held waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  feed(chunk: Buffer): DecodeEvent[] {
    if (this.failed || chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const events: DecodeEvent[] = [];
    try {
      this.drain(events);
    } catch (err) {
      // Defensive: nothing above should throw, but a decoder must never take the node down.
      this.fail(events, `decoder error: ${(err as Error).message}`);
    }
    return events;
  }

  private drain(events: DecodeEvent[]): void {
    if (this.buffered < 4) return;
    const first = this.chunks[0]!;
    // Peek the length without joining chunks unless the first one is too short.
    const length = first.length >= 4 ? first.readUInt32BE(0) : this.joined().readUInt32BE(0);
    if (length < LENGTH_OVERHEAD || length - LENGTH_OVERHEAD > this.maxBodySize) {
      this.fail(events, `bad frame length ${length}`);
      return;
    }
    if (this.buffered < 4 + length) return;
    const data = this.joined();
    let offset = 0;
    while (data.length - offset >= 4) {
      const len = data.readUInt32BE(offset);
      if (len < LENGTH_OVERHEAD || len - LENGTH_OVERHEAD > this.maxBodySize) {
        this.fail(events, `bad frame length ${len}`);
        return;
      }
      if (data.length - offset < 4 + len) break;
      const event = this.parse(data, offset, len);
      events.push(event);
      if (event.kind === 'violation') {
        this.fail(events, null);
        return;
      }
      offset += 4 + len;
    }
    const rest = data.subarray(offset);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
  }

  private parse(data: Buffer, offset: number, len: number): DecodeEvent {
    const version = data.readUInt8(offset + 4);
    const type = data.readUInt8(offset + 5);
    const flags = data.readUInt8(offset + 6);
    const requestId = data.readUInt32BE(offset + 7);
    if (version !== PROTOCOL_VERSION) {
      return { kind: 'violation', reason: `protocol version ${version}, expected ${PROTOCOL_VERSION}` };
    }
    if (!isFrameKind(flags)) return { kind: 'violation', reason: `bad flags ${flags}` };
    const body = data.subarray(offset + HEADER_SIZE, offset + 4 + len);
    const frame: Frame = { version, type, kind: flags, requestId, body };
    return { kind: isKnownMessageType(type) ? 'frame' : 'unknown-type', frame };
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }

  private fail(events: DecodeEvent[], reason: string | null): void {
    if (reason !== null) events.push({ kind: 'violation', reason });
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
  }
}
