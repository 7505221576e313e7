/**
 * Requests waiting for their reply, keyed by request id, each with its own timeout timer (on
 * the injected clock). Settling an entry clears its timer; a late reply for a timed-out id is
 * ignored. Ids are u32, never 0 (0 is the handshake's), and wrap around.
 */
import type { CancelTimer, Clock } from '../util/clock';
import { TransportError } from './errors';

interface Entry {
  readonly resolve: (body: Buffer) => void;
  readonly reject: (err: TransportError) => void;
  readonly cancelTimer: CancelTimer;
}

export class PendingRequests {
  private readonly entries = new Map<number, Entry>();
  private lastId = 0;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  /** Registers a request; the promise rejects 'TIMEOUT' after `timeoutMs` unless settled. */
  add(timeoutMs: number, describe: () => string): { id: number; promise: Promise<Buffer> } {
    const id = this.nextId();
    const promise = new Promise<Buffer>((resolve, reject) => {
      const cancelTimer = this.clock.setTimer(timeoutMs, () => {
        if (this.entries.delete(id)) {
          reject(new TransportError('TIMEOUT', `no reply within ${timeoutMs} ms to ${describe()}`));
        }
      });
      this.entries.set(id, { resolve, reject, cancelTimer });
    });
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
    entry.cancelTimer();
    return entry;
  }

  private nextId(): number {
    do {
      this.lastId = (this.lastId + 1) >>> 0;
    } while (this.lastId === 0 || this.entries.has(this.lastId));
    return this.lastId;
  }
}
