/**
 * A node-wide bound on client commands running at once. Beyond it a connection keeps the
 * commands it parses in its own backlog, and they start, in arrival order, as running ones
 * finish; connections waiting take turns, oldest first.
 *
 * Why: a pipelined load (50 clients × 16 commands) otherwise has every command in flight at
 * once, each holding its promise chain, fan-out and replica requests for tens of milliseconds,
 * longer than V8's young generation lasts; the garbage collector then copies and promotes them
 * all. A waiting command holds only its parsed arguments.
 */

/** what Admission asks of a connection with a backlog */
export interface AdmissionWaiter {
  /** start up to `max` backlogged commands in order; true when none are left */
  admit(max: number): boolean;
}

/** commands one waiting connection starts per turn */
const TURN = 16;

export class Admission {
  /** commands running (started, not yet answered) */
  running = 0;
  /** commands waiting in backlogs now */
  waitingCommands = 0;
  /** commands that waited in a backlog since start */
  delayed = 0;
  private readonly waiting = new Set<AdmissionWaiter>();

  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.running >= this.limit;
  }

  /** connections with a backlog */
  get waitingConnections(): number {
    return this.waiting.size;
  }

  /** `w` put one more command in its backlog; the first one puts `w` in line */
  delay(w: AdmissionWaiter): void {
    this.waitingCommands++;
    this.delayed++;
    this.waiting.add(w);
  }

  /**
   * `w`, whose `n` backlogged commands waited outside the line (for its client to read its
   * replies), is back in line; they start now if the bound allows
   */
  requeue(w: AdmissionWaiter, n: number): void {
    this.waitingCommands += n;
    this.waiting.add(w);
    this.admitWaiting();
  }

  /** `w` started (or dropped) `n` commands of its backlog */
  started(n: number): void {
    this.waitingCommands -= n;
  }

  /** `w` is gone (closed), with `backlog` commands never started */
  forget(w: AdmissionWaiter, backlog: number): void {
    if (this.waiting.delete(w)) this.waitingCommands -= backlog;
  }

  enter(): void {
    this.running++;
  }

  leave(): void {
    this.running--;
    this.admitWaiting();
  }

  private admitWaiting(): void {
    if (this.waiting.size === 0) return;
    // a turn each, oldest waiter first, until the bound is reached again
    for (const w of this.waiting) {
      if (this.running >= this.limit) return;
      this.waiting.delete(w);
      if (!w.admit(TURN)) this.waiting.add(w); // back of the line
    }
  }
}
