// Counts complete RESP replies in a byte stream without decoding values. Pure. Handles simple
// strings, errors, integers and bulk strings (what GET and SET answer); a reply split across
// chunks is carried over to the next chunk.

export class ReplyScanner {
  private rest: Buffer | undefined;
  /** error replies seen so far, and the first one's text */
  errors = 0;
  firstError: string | undefined;

  /** Feeds `chunk`; returns how many replies it completed. */
  feed(chunk: Buffer): number {
    const buf = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = undefined;
    let pos = 0;
    let replies = 0;
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
      } else if (type === 45 /* - */) {
        this.errors++;
        this.firstError ??= buf.toString('latin1', pos + 1, lineEnd);
      } else if (type !== 43 /* + */ && type !== 58 /* : */) {
        throw new Error(`unexpected RESP reply type ${String.fromCharCode(type)}`);
      }
      pos = next;
      replies++;
    }
    if (pos < buf.length) this.rest = buf.subarray(pos);
    return replies;
  }
}
