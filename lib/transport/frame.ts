/**
 * The frame: the unit of the peer protocol (pure).
 *
 *   [u32 length][u8 protocolVersion][u8 messageType][u8 flags][u32 requestId][body]
 *
 * Big-endian. `length` counts every byte after the length field (7 + body length). `flags` says
 * whether the frame is a request, a response, or an error response (whose body is an encoded
 * code + message, see error-body.ts). A response carries the type and id of its request.
 */

export const PROTOCOL_VERSION = 1;
/** bytes before the body */
export const HEADER_SIZE = 11;
/** bytes of the header counted by `length` (everything after the length field) */
export const LENGTH_OVERHEAD = HEADER_SIZE - 4;
/**
 * Largest body accepted: 1 GiB, so a record holding a value up to proto-max-bulk-len's default
 * (512 MB) crosses between nodes. At 64 MiB a 64 MB SET could not replicate, and a read of it
 * through another node killed the replica answering (its response frame threw).
 */
export const MAX_BODY_SIZE = 1024 * 1024 * 1024;

export enum FrameKind {
  REQUEST = 0,
  RESPONSE = 1,
  ERROR = 2,
}

export interface Frame {
  readonly version: number;
  readonly type: number;
  readonly kind: FrameKind;
  readonly requestId: number;
  readonly body: Buffer;
}

export function isFrameKind(n: number): n is FrameKind {
  return n === FrameKind.REQUEST || n === FrameKind.RESPONSE || n === FrameKind.ERROR;
}

/** The 11-byte header for a body of `bodyLength` bytes. */
export function encodeHeader(type: number, kind: FrameKind, requestId: number, bodyLength: number): Buffer {
  if (bodyLength > MAX_BODY_SIZE) throw new RangeError(`frame body of ${bodyLength} bytes exceeds ${MAX_BODY_SIZE}`);
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header.writeUInt32BE(LENGTH_OVERHEAD + bodyLength, 0);
  header.writeUInt8(PROTOCOL_VERSION, 4);
  header.writeUInt8(type, 5);
  header.writeUInt8(kind, 6);
  header.writeUInt32BE(requestId >>> 0, 7);
  return header;
}

/** One buffer holding the whole frame. */
export function encodeFrame(type: number, kind: FrameKind, requestId: number, body: Buffer): Buffer {
  return Buffer.concat([encodeHeader(type, kind, requestId, body.length), body]);
}
