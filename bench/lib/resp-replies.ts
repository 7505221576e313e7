// Splits a RESP byte stream into replies without decoding values. Pure. Handles what SET and GET
// answer (simple strings, errors, integers, bulk strings). Shared by the YCSB generator (which
// counts replies) and the steady load (which logs each one's outcome).

/**
 * Calls `onReply` for each complete reply in `buf` (with the error text for an error reply) and
 * returns where the incomplete rest begins (buf.length when nothing is left over).
 */
export function scanReplies(buf: Buffer, onReply: (errorText: string | undefined) => void): number {
  let pos = 0;
  while (pos < buf.length) {
    const lineEnd = buf.indexOf(13, pos);
    if (lineEnd < 0 || lineEnd + 1 >= buf.length) break;
    const type = buf[pos];
    let next = lineEnd + 2;
    if (type === 36 /* $ */) {
      const length = Number(buf.toString('latin1', pos + 1, lineEnd));
      if (length >= 0) {
        next += length + 2;
        if (next > buf.length) break;
      }
      onReply(undefined);
    } else if (type === 45 /* - */) {
      onReply(buf.toString('latin1', pos + 1, lineEnd));
    } else if (type === 43 /* + */ || type === 58 /* : */) {
      onReply(undefined);
    } else {
      throw new Error(`unexpected RESP reply type ${String.fromCharCode(type)}`);
    }
    pos = next;
  }
  return pos;
}

/** a byte stream fed in chunks: a reply split across chunks is carried over to the next one */
export class ReplyStream {
  private rest: Buffer | undefined;

  feed(chunk: Buffer, onReply: (errorText: string | undefined) => void): void {
    const buf = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    const pos = scanReplies(buf, onReply);
    this.rest = pos < buf.length ? buf.subarray(pos) : undefined;
  }
}
