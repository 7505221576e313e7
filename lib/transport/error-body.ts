/**
 * The body of an error response (pure): [u16 codeLength][code, utf8][message, utf8].
 * Decoding never throws; a malformed body decodes as code 'ERR' with a note.
 */
import { REMOTE_CODES } from './errors';

const MAX_CODE = 256;
const MAX_MESSAGE = 4096;

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
}

export function encodeErrorBody(code: string, message: string): Buffer {
  const c = Buffer.from(code.slice(0, MAX_CODE), 'utf8');
  const m = Buffer.from(message.slice(0, MAX_MESSAGE), 'utf8');
  const head = Buffer.allocUnsafe(2);
  head.writeUInt16BE(c.length, 0);
  return Buffer.concat([head, c, m]);
}

export function decodeErrorBody(body: Buffer): ErrorBody {
  if (body.length < 2) return { code: REMOTE_CODES.GENERIC, message: 'malformed error response' };
  const len = body.readUInt16BE(0);
  if (2 + len > body.length) return { code: REMOTE_CODES.GENERIC, message: 'malformed error response' };
  return {
    code: body.toString('utf8', 2, 2 + len) || REMOTE_CODES.GENERIC,
    message: body.toString('utf8', 2 + len),
  };
}

/** The code and message a thrown value turns into. */
export function describeThrown(err: unknown): ErrorBody {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' && code.length > 0 ? code : REMOTE_CODES.GENERIC, message: err.message };
  }
  return { code: REMOTE_CODES.GENERIC, message: String(err) };
}
