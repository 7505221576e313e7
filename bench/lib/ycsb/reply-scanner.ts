// Counts complete RESP replies in a byte stream without decoding values (see resp-replies.ts).

import { ReplyStream } from '../resp-replies';

export class ReplyScanner {
  private readonly stream = new ReplyStream();
  /** error replies seen so far, and the first one's text */
  errors = 0;
  firstError: string | undefined;

  /** Feeds `chunk`; returns how many replies it completed. */
  feed(chunk: Buffer): number {
    let replies = 0;
    this.stream.feed(chunk, (error) => {
      replies++;
      if (error !== undefined) {
        this.errors++;
        this.firstError ??= error;
      }
    });
    return replies;
  }
}
