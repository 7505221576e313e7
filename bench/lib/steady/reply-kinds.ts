// Reports, for each RESP reply in a byte stream, whether it is an error (see resp-replies.ts), so
// the steady load can log every request's outcome.

import { ReplyStream } from '../resp-replies';

export interface ReplyKind {
  error: boolean;
  /** the error's text (first line without the '-') */
  text?: string;
}

export class ReplyKinds {
  private readonly stream = new ReplyStream();

  /** Feeds `chunk`; returns the replies it completed, oldest first. */
  feed(chunk: Buffer): ReplyKind[] {
    const replies: ReplyKind[] = [];
    this.stream.feed(chunk, (text) => replies.push(text === undefined ? { error: false } : { error: true, text }));
    return replies;
  }
}
