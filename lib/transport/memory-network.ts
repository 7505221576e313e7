/**
 * A simulated network for tests: every message is delivered through the injected clock, so a
 * test steps time exactly, and every random choice (drops, delays) comes from the seeded rng, so
 * a run replays exactly for a seed. Faults: cut / heal links, isolate a node, a drop rate, a
 * delay range, crash / restart an endpoint, pause / resume one (a stopped process: its traffic
 * waits, both ways, and flows again on resume), and hooks that see (and may drop) every message.
 *
 * Nodes are named by address; a node id is accepted too wherever an address is (it is resolved
 * through the endpoints created so far). A message to an address where nothing runs comes back
 * as UNREACHABLE (like a refused connection); a message lost to a cut, isolation or the drop
 * rate just vanishes, so its request times out (like a partition).
 */
import type { Clock } from '../util/clock';
import type { Rng } from '../util/rng';
import type { NodeId } from '../versioning/types';
import { TransportUsageError } from './errors';
import { FrameKind } from './frame';
import { MemoryTransport } from './memory-transport';

export interface MemoryMessage {
  readonly from: string;
  readonly fromId: NodeId;
  readonly to: string;
  readonly type: number;
  readonly kind: FrameKind;
  readonly requestId: number;
  readonly body: Buffer;
  /** the requester's incarnation: a reply reaches only the incarnation that asked */
  readonly incarnation: number;
}

/** Sees every message as it is sent; returning false drops it. */
export type MessageHook = (message: MemoryMessage) => boolean | void;

export interface MemoryNetworkOptions {
  readonly clock: Clock;
  readonly rng: Rng;
}

export interface MemoryNetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
}

export class MemoryNetwork {
  readonly clock: Clock;
  readonly stats: MemoryNetworkStats = { sent: 0, delivered: 0, dropped: 0 };
  private readonly rng: Rng;
  private readonly endpoints = new Map<string, MemoryTransport>();
  private readonly cuts = new Set<string>();
  private readonly isolated = new Set<string>();
  private readonly crashed = new Set<string>();
  /** paused endpoints and the messages held for or from them, in order */
  private readonly paused = new Map<string, MemoryMessage[]>();
  private readonly hooks = new Set<MessageHook>();
  private drop = 0;
  private minDelay = 0;
  private maxDelay = 0;
  private incarnations = 0;

  constructor(o: MemoryNetworkOptions) {
    this.clock = o.clock;
    this.rng = o.rng;
  }

  /** A new endpoint (call start() on it). Replaces a crashed or closed endpoint at `address`. */
  transport(id: NodeId, address: string): MemoryTransport {
    const existing = this.endpoints.get(address);
    if (existing && existing.running && !this.crashed.has(address)) {
      throw new TransportUsageError(`address ${address} is in use by ${existing.localId}`);
    }
    this.crashed.delete(address);
    const t = new MemoryTransport(this, id, address);
    this.endpoints.set(address, t);
    return t;
  }

  /** Messages between a and b (both ways) are lost until heal(a, b) or healAll(). */
  cut(a: string, b: string): void {
    this.cuts.add(this.link(a, b));
  }

  heal(a: string, b: string): void {
    this.cuts.delete(this.link(a, b));
  }

  /** Every message to or from a is lost until rejoin(a) or healAll(). */
  isolate(a: string): void {
    this.isolated.add(this.resolve(a));
  }

  rejoin(a: string): void {
    this.isolated.delete(this.resolve(a));
  }

  /** Removes every cut and isolation (not the drop rate or delay). */
  healAll(): void {
    this.cuts.clear();
    this.isolated.clear();
  }

  /** Each message is lost with probability p (decided by the rng). */
  dropRate(p: number): void {
    if (!(p >= 0 && p <= 1)) throw new TransportUsageError(`drop rate ${p} not in [0, 1]`);
    this.drop = p;
  }

  /** Each message takes a whole number of ms in [minMs, maxMs] (decided by the rng). */
  delay(minMs: number, maxMs: number = minMs): void {
    if (!(minMs >= 0 && maxMs >= minMs)) throw new TransportUsageError(`bad delay range [${minMs}, ${maxMs}]`);
    this.minDelay = Math.floor(minMs);
    this.maxDelay = Math.floor(maxMs);
  }

  /** The endpoint stops: its waiting requests fail CLOSED, replies it owes are lost. */
  crash(a: string): void {
    const address = this.resolve(a);
    this.crashed.add(address);
    this.endpoints.get(address)?.crashed();
  }

  /** A crashed endpoint serves again, with the same handlers and a new incarnation. */
  restart(a: string): void {
    const address = this.resolve(a);
    if (!this.crashed.delete(address)) return;
    this.endpoints.get(address)?.restarted();
  }

  /**
   * Like SIGSTOP: messages to and from a are held (its peers see silence, so their requests time
   * out), to be delivered in order by resume(a). The endpoint's own timers still run.
   */
  pause(a: string): void {
    const address = this.resolve(a);
    if (!this.paused.has(address)) this.paused.set(address, []);
  }

  /** Like SIGCONT: what was held for or from a is delivered now, in the order it was sent. */
  resume(a: string): void {
    const address = this.resolve(a);
    const held = this.paused.get(address);
    if (!held) return;
    this.paused.delete(address);
    for (const m of held) this.clock.setTimer(0, () => this.deliver(m));
  }

  onMessage(hook: MessageHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** True when a message from a to b would be lost to a cut or isolation now. */
  blocked(a: string, b: string): boolean {
    const x = this.resolve(a);
    const y = this.resolve(b);
    return this.isolated.has(x) || this.isolated.has(y) || this.cuts.has(this.link(x, y));
  }

  // — used by MemoryTransport —

  /** @internal */
  nextIncarnation(): number {
    return ++this.incarnations;
  }

  /** @internal Sends one message; it arrives (or not) through the clock. */
  send(m: MemoryMessage): void {
    this.stats.sent++;
    let keep = true;
    for (const hook of this.hooks) if (hook(m) === false) keep = false;
    if (!keep || this.blocked(m.from, m.to) || (this.drop > 0 && this.rng() < this.drop)) {
      this.stats.dropped++;
      return;
    }
    const held = this.paused.get(m.from);
    if (held) held.push(m);
    else this.clock.setTimer(this.pickDelay(), () => this.deliver(m));
  }

  private deliver(m: MemoryMessage): void {
    if (this.blocked(m.from, m.to)) {
      this.stats.dropped++;
      return;
    }
    const held = this.paused.get(m.to);
    if (held) {
      held.push(m);
      return;
    }
    const dest = this.endpoints.get(m.to);
    if (!dest || !dest.running || this.crashed.has(m.to)) {
      this.stats.dropped++;
      const sender = this.endpoints.get(m.from);
      // Like a refused connection: the requester learns at once, one hop later.
      if (m.kind === FrameKind.REQUEST && sender) {
        this.clock.setTimer(this.pickDelay(), () => sender.unreachable(m));
      }
      return;
    }
    this.stats.delivered++;
    dest.receive(m);
  }

  private pickDelay(): number {
    if (this.maxDelay === this.minDelay) return this.minDelay;
    return this.minDelay + Math.floor(this.rng() * (this.maxDelay - this.minDelay + 1));
  }

  private resolve(name: string): string {
    if (this.endpoints.has(name)) return name;
    for (const [address, t] of this.endpoints) if (t.localId === name) return address;
    return name;
  }

  private link(a: string, b: string): string {
    const [x, y] = [this.resolve(a), this.resolve(b)].sort();
    return `${x}\u0000${y}`;
  }
}
