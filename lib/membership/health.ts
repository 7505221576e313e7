/**
 * Local failure detection from missed replies: a peer that failed a request is suspected and
 * skipped until a reply from it arrives again. Client requests never serve as the probe (a
 * forwarded write that times out cannot be retried safely): the prober pings suspects when their
 * retry time (exponential backoff, capped) comes. Time comes in as a parameter; no timers here.
 */
import type { NodeId } from '../versioning/types';

interface PeerHealth {
  failures: number;
  downUntil: number;
}

export interface HealthOptions {
  /** consecutive failures before a peer is treated as down */
  readonly threshold: number;
  readonly baseRetryMs: number;
  readonly maxRetryMs: number;
}

export const DEFAULT_HEALTH: HealthOptions = { threshold: 1, baseRetryMs: 500, maxRetryMs: 5000 };

export class HealthTracker {
  private readonly peers = new Map<NodeId, PeerHealth>();

  constructor(
    private readonly now: () => number,
    private readonly opts: HealthOptions = DEFAULT_HEALTH,
  ) {}

  isUp(id: NodeId): boolean {
    const p = this.peers.get(id);
    return !p || p.failures < this.opts.threshold;
  }

  /** suspects whose retry time has come (the prober pings them) */
  dueForProbe(): NodeId[] {
    const now = this.now();
    const out: NodeId[] = [];
    for (const [id, p] of this.peers) if (p.failures >= this.opts.threshold && now >= p.downUntil) out.push(id);
    return out;
  }

  /** down right now, whether or not a retry is due (for reports) */
  isSuspect(id: NodeId): boolean {
    const p = this.peers.get(id);
    return !!p && p.failures >= this.opts.threshold;
  }

  success(id: NodeId): boolean {
    const wasDown = this.isSuspect(id);
    this.peers.delete(id);
    return wasDown;
  }

  /** returns true when this failure made the peer down */
  failure(id: NodeId): boolean {
    const p = this.peers.get(id) ?? { failures: 0, downUntil: 0 };
    const wasDown = p.failures >= this.opts.threshold;
    p.failures++;
    const backoff = Math.min(this.opts.maxRetryMs, this.opts.baseRetryMs * 2 ** Math.max(0, p.failures - this.opts.threshold));
    p.downUntil = this.now() + backoff;
    this.peers.set(id, p);
    return !wasDown && p.failures >= this.opts.threshold;
  }

  forget(id: NodeId): void {
    this.peers.delete(id);
  }
}
