/**
 * FIFO read/write locks per key. `acquire` enqueues on every key at once, synchronously, so
 * callers that acquire in some order are granted in that order (no deadlock: a request never
 * holds one key while queueing for another). Readers of a key share it; a writer is alone.
 * `tryAcquire` is the allocation-free fast path for the common uncontended case.
 */
export type Release = () => void;

const NOOP: Release = () => {};

class Waiter {
  pending: number;
  /** queues in which this waiter was granted */
  granted = 0;
  resolve: ((r: Release) => void) | null = null;
  release: Release = NOOP;
  constructor(
    readonly exclusive: boolean,
    n: number,
  ) {
    this.pending = n;
  }
}

interface KeyQueue {
  waiters: Waiter[];
  /** number of waiters at the front already granted */
  grantedCount: number;
}

export class KeyLocks {
  private readonly queues = new Map<string, KeyQueue>();

  /** number of keys with holders or waiters (for tests and INFO) */
  get size(): number {
    return this.queues.size;
  }

  /**
   * True when a holder or waiter is on the key (by its latin1 name). A caller that would take the
   * lock and release it within one synchronous stretch may check this instead: nothing can see a
   * lock that is never held across an await.
   */
  busy(name: string): boolean {
    return this.queues.has(name);
  }

  /** the lock at once if no other holder or waiter is on any of the keys, else null */
  tryAcquire(keys: readonly Buffer[], exclusive: boolean): Release | null {
    if (keys.length === 1) {
      // one key (nearly every command): no name list to build
      const name = keys[0].toString('latin1');
      if (this.queues.has(name)) return null;
      const w = new Waiter(exclusive, 0);
      const q: KeyQueue = { waiters: [w], grantedCount: 1 };
      this.queues.set(name, q);
      let done = false;
      return (w.release = () => {
        if (done) return;
        done = true;
        // still alone on the key (nearly always): no search of the queue
        if (q.waiters.length === 1 && q.waiters[0] === w) this.queues.delete(name);
        else this.leave(name, w);
      });
    }
    const names = keyNames(keys);
    for (const n of names) if (this.queues.has(n)) return null;
    const w = new Waiter(exclusive, 0);
    for (const n of names) this.queues.set(n, { waiters: [w], grantedCount: 1 });
    return (w.release = this.releaser(names, w));
  }

  acquire(keys: readonly Buffer[], exclusive: boolean): Promise<Release> {
    const fast = this.tryAcquire(keys, exclusive);
    if (fast) return Promise.resolve(fast);
    const names = keyNames(keys);
    return new Promise<Release>((resolve) => {
      const w = new Waiter(exclusive, names.length);
      w.resolve = resolve;
      w.release = this.releaser(names, w);
      for (const n of names) {
        let q = this.queues.get(n);
        if (!q) {
          q = { waiters: [], grantedCount: 0 };
          this.queues.set(n, q);
        }
        q.waiters.push(w);
        this.pump(q);
      }
    });
  }

  private releaser(names: string[], w: Waiter): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const n of names) this.leave(n, w);
    };
  }

  private pump(q: KeyQueue): void {
    // grant the longest prefix that may run together: one writer, or a run of readers
    while (q.grantedCount < q.waiters.length) {
      const w = q.waiters[q.grantedCount];
      if (w.exclusive && q.grantedCount > 0) return;
      if (q.grantedCount > 0 && q.waiters[0].exclusive) return;
      q.grantedCount++;
      if (--w.pending === 0 && w.resolve) w.resolve(w.release);
      if (w.exclusive) return;
    }
  }

  private leave(name: string, w: Waiter): void {
    const q = this.queues.get(name);
    if (!q) return;
    const i = q.waiters.indexOf(w);
    if (i < 0) return;
    q.waiters.splice(i, 1);
    if (i < q.grantedCount) q.grantedCount--;
    if (q.waiters.length === 0) this.queues.delete(name);
    else this.pump(q);
  }
}

function keyNames(keys: readonly Buffer[]): string[] {
  if (keys.length === 1) return [keys[0].toString('latin1')];
  return [...new Set(keys.map((k) => k.toString('latin1')))];
}
