/**
 * Moves records between two nodes for ownership transfer, page by page and paced: `pull` asks a
 * peer for its records of some spans and merges them here; `push` sends this node's records of
 * some spans to a peer and waits for its acknowledgement. Each page holds as many records as the
 * pacer has granted (one token per record), so a transfer never takes more than its share.
 */
import type { Logger } from 'pino';
import type { HandoffPacer } from '../handoff/pacer';
import { drawBudget } from '../background/draw';
import type { RecordStore } from '../storage/record-store';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import type { CancelTimer, Clock } from '../util/clock';
import { keySlot } from '../ring';
import { TransferError } from './errors';
import { readPage } from './handlers';
import { decodePullReply, encodePullRequest, encodePush, type Cursor, type PullRequest } from './messages';
import type { SlotSpan } from './plan';

export interface MoverOptions {
  /** records per page */
  readonly pageSize: number;
  /** ms to wait for a peer's reply to one page */
  readonly requestTimeout: number;
  /** ms to wait when the pacer gives no budget */
  readonly pauseMs: number;
}

export interface MoverCounters {
  pulled: number;
  pushed: number;
}

function cursorAfter(a: Cursor, b: Cursor | null): boolean {
  return b === null || a.slot > b.slot || (a.slot === b.slot && Buffer.compare(a.key, b.key) > 0);
}

export class RecordMover {
  readonly counters: MoverCounters = { pulled: 0, pushed: 0 };
  private stopped = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly records: RecordStore,
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly pacer: HandoffPacer,
    private readonly opts: MoverOptions,
    private readonly log: Logger,
  ) {}

  stop(): void {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
  }

  /** every record the peer at `address` holds in `spans`, merged into this replica */
  async pull(address: string, spans: readonly SlotSpan[]): Promise<number> {
    let cursor: Cursor | null = null;
    let count = 0;
    for (;;) {
      this.checkRunning();
      const limit = await this.granted();
      const req: PullRequest = { spans: [...spans], cursor, limit };
      const reply = decodePullReply(await this.transport.request(address, MessageType.TRANSFER_PULL, encodePullRequest(req), this.opts.requestTimeout), req);
      await Promise.all(reply.keys.map((k, i) => this.records.merge(keySlot(k), k, reply.records[i]!)));
      count += reply.keys.length;
      this.counters.pulled += reply.keys.length;
      if (reply.cursor === null) break;
      if (!cursorAfter(reply.cursor, cursor)) throw new TransferError('TRANSFER_BAD_PAGE', 'a pull cursor did not move forward');
      cursor = reply.cursor;
    }
    this.log.debug({ from: address, spans: spans.length, records: count }, 'pulled');
    return count;
  }

  /** every record this node holds in `spans`, sent to the peer at `address` and acknowledged */
  async push(address: string, spans: readonly SlotSpan[]): Promise<number> {
    let cursor: Cursor | null = null;
    let count = 0;
    for (;;) {
      this.checkRunning();
      const page = await readPage(this.records, { spans: [...spans], cursor, limit: await this.granted() });
      if (page.keys.length > 0) {
        await this.transport.request(address, MessageType.TRANSFER_PUSH, encodePush(page.keys, page.stored), this.opts.requestTimeout);
        count += page.keys.length;
        this.counters.pushed += page.keys.length;
      }
      if (page.cursor === null) break;
      cursor = page.cursor;
    }
    this.log.debug({ to: address, spans: spans.length, records: count }, 'pushed');
    return count;
  }

  private checkRunning(): void {
    if (this.stopped) throw new TransferError('TRANSFER_STOPPED', 'the node is stopping');
  }

  /**
   * The records the next page may hold: what the budget has accrued, at most a page (so a page
   * never runs the shared budget into debt that starves hint delivery); waits for at least one.
   */
  private async granted(): Promise<number> {
    const n = await drawBudget(this.pacer, this.clock, this.opts.pageSize, () => this.stopped, this.opts.pauseMs);
    this.checkRunning();
    return n;
  }

  /** a cancellable wait on the clock (stop() ends it early) */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let cancel: CancelTimer = () => {};
      const wake = (): void => {
        cancel();
        this.wakers.delete(wake);
        resolve();
      };
      this.wakers.add(wake);
      cancel = this.clock.setTimer(ms, wake);
      if (this.stopped) wake();
    });
  }
}
