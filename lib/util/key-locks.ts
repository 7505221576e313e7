/**
 * FIFO read/write locks per key. `acquire` enqueues on every key at once, synchronously, so
 * callers that acquire in some order are granted in that order (no deadlock: a request never
 * holds one key while queueing for another). Readers of a key share it; a writer is alone.
 */
type Waiter = { exclusive: boolean; pending: number; grant: () => void; granted: boolean };

interface KeyQueue {
  waiters: Waiter[];
}

export type Release = () => void;

export class KeyLocks {
  private readonly queues = new Map<string, KeyQueue>();

  /** number of keys with holders or waiters (for tests and INFO) */
  get size(): number {
    return this.queues.size;
  }

  acquire(keys: readonly Buffer[], exclusive: boolean): Promise<Release> {
    const names = [...new Set(keys.map((k) => k.toString('latin1')))];
    return new Promise<Release>((resolve) => {
      const waiter: Waiter = { exclusive, pending: names.length, granted: false, grant: () => {} };
      const release: Release = () => {
        for (const n of names) this.leave(n, waiter);
      };
      waiter.grant = () => {
        waiter.pending--;
        if (waiter.pending === 0) resolve(release);
      };
      if (names.length === 0) {
        resolve(release);
        return;
      }
      for (const n of names) {
        let q = this.queues.get(n);
        if (!q) {
          q = { waiters: [] };
          this.queues.set(n, q);
        }
        q.waiters.push(waiter);
        this.pump(q);
      }
    });
  }

  private pump(q: KeyQueue): void {
    // grant the longest prefix that may run together: one writer, or a run of readers
    for (let i = 0; i < q.waiters.length; i++) {
      const w = q.waiters[i];
      if (w.exclusive && i > 0) return;
      if (!this.isGrantedIn(q, w)) {
        this.markGranted(q, w);
        w.grant();
      }
      if (w.exclusive) return;
    }
  }

  private readonly grantedIn = new WeakMap<Waiter, Set<KeyQueue>>();

  private isGrantedIn(q: KeyQueue, w: Waiter): boolean {
    return this.grantedIn.get(w)?.has(q) ?? false;
  }

  private markGranted(q: KeyQueue, w: Waiter): void {
    let s = this.grantedIn.get(w);
    if (!s) {
      s = new Set();
      this.grantedIn.set(w, s);
    }
    s.add(q);
  }

  private leave(name: string, w: Waiter): void {
    const q = this.queues.get(name);
    if (!q) return;
    const i = q.waiters.indexOf(w);
    if (i >= 0) q.waiters.splice(i, 1);
    if (q.waiters.length === 0) this.queues.delete(name);
    else this.pump(q);
  }
}
