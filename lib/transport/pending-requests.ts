/**
 * Requests waiting for their reply, keyed by request id. Timeouts share one timer on the
 * injected clock, armed for the earliest deadline (a min-heap of deadlines), instead of a timer
 * per request: at tens of thousands of requests a second, per-request timers cost more than the
 * requests. A late reply for a timed-out id is ignored. Ids are u32, never 0 (0 is the
 * handshake's), and wrap around.
 *
 * Settled entries leave the heap lazily, but not only at their deadline: once the heap holds more
 * than twice the waiting entries it is rebuilt from them. Left until their deadline, every settled
 * request (with its promise callbacks) stayed reachable for a whole request-timeout, tens of
 * thousands of them a second on a busy coordinator.
 */
import type { CancelTimer, Clock } from '../util/clock';
import { TransportError } from './errors';

interface Entry {
  readonly id: number;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly resolve: (body: Buffer) => void;
  readonly reject: (err: TransportError) => void;
  readonly describe: () => string;
}

/** settled entries the heap may hold beyond the waiting ones before it is compacted */
const COMPACT_SLACK = 64;

export class PendingRequests {
  private readonly entries = new Map<number, Entry>();
  /** entries by deadline; settled ones stay until they reach the top or the heap is compacted */
  private readonly heap: Entry[] = [];
  private timer: CancelTimer | null = null;
  private timerAt = Infinity;
  private lastId = 0;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  /** entries the timeout heap holds, waiting or settled (for tests) */
  get heapSize(): number {
    return this.heap.length;
  }

  /** Registers a request; the promise rejects 'TIMEOUT' after `timeoutMs` unless settled. */
  add(timeoutMs: number, describe: () => string): { id: number; promise: Promise<Buffer> } {
    const id = this.nextId();
    const deadline = this.clock.now() + timeoutMs;
    const promise = new Promise<Buffer>((resolve, reject) => {
      const entry: Entry = { id, deadline, timeoutMs, resolve, reject, describe };
      this.entries.set(id, entry);
      this.push(entry);
    });
    if (deadline < this.timerAt) this.arm(deadline);
    return { id, promise };
  }

  has(id: number): boolean {
    return this.entries.has(id);
  }

  resolve(id: number, body: Buffer): boolean {
    const entry = this.take(id);
    entry?.resolve(body);
    return entry !== undefined;
  }

  reject(id: number, err: TransportError): boolean {
    const entry = this.take(id);
    entry?.reject(err);
    return entry !== undefined;
  }

  /** Rejects every waiting request with the error `make` builds. */
  rejectAll(make: () => TransportError): void {
    const ids = [...this.entries.keys()];
    for (const id of ids) this.reject(id, make());
  }

  private take(id: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (this.entries.size === 0) this.disarm();
    else if (this.heap.length > 2 * this.entries.size + COMPACT_SLACK) this.compact();
    return entry;
  }

  /** the heap rebuilt from the waiting entries alone (sorted by deadline: a valid min-heap) */
  private compact(): void {
    const live = this.heap.filter((e) => this.entries.get(e.id) === e);
    live.sort((a, b) => a.deadline - b.deadline);
    this.heap.length = 0;
    for (const e of live) this.heap.push(e);
  }

  private arm(at: number): void {
    this.timer?.();
    this.timerAt = at;
    this.timer = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => this.expire());
  }

  private disarm(): void {
    this.timer?.();
    this.timer = null;
    this.timerAt = Infinity;
    this.heap.length = 0; // every entry is settled
  }

  private expire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.clock.now();
    while (this.heap.length > 0 && this.heap[0].deadline <= now) {
      const e = this.pop();
      if (this.entries.get(e.id) !== e) continue; // settled already
      this.entries.delete(e.id);
      e.reject(new TransportError('TIMEOUT', `no reply within ${e.timeoutMs} ms to ${e.describe()}`));
    }
    while (this.heap.length > 0 && this.entries.get(this.heap[0].id) !== this.heap[0]) this.pop();
    if (this.heap.length > 0) this.arm(this.heap[0].deadline);
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.push(e) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].deadline <= e.deadline) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && h[r].deadline < h[l].deadline ? r : l;
        if (h[c].deadline >= last.deadline) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  private nextId(): number {
    do {
      this.lastId = (this.lastId + 1) >>> 0;
    } while (this.lastId === 0 || this.entries.has(this.lastId));
    return this.lastId;
  }
}
