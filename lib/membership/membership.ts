/**
 * The membership driver: holds the view, gossips it (push-pull with one random peer per round,
 * seeds until they are known), tracks peer health from request outcomes, and derives the ring
 * from the view deterministically. It is the coordinator's ClusterView.
 */
import type { Logger } from 'pino';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import type { Clock } from '../util/clock';
import type { NodeId } from '../versioning/types';
import { buildRing, ringChecksum, type Ring } from '../ring';
import type { ClusterView } from '../coordinator/cluster-view';
import { HealthTracker } from './health';
import { bump, mergeView, ringMembers, type MemberInfo, type View } from './view';
import { decodeMembers, encodeMembers } from './codec';

export interface MembershipOptions {
  readonly seeds: readonly string[];
  readonly vnodesPerWeight: number;
  readonly gossipIntervalMs: number;
  readonly requestTimeoutMs: number;
}

export class Membership implements ClusterView {
  private view: View;
  private currentRing: Ring;
  private readonly health: HealthTracker;
  private readonly listeners: Array<(ring: Ring) => void> = [];
  private cancelTimer: (() => void) | null = null;

  constructor(
    private me: MemberInfo,
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly rng: () => number,
    private readonly opts: MembershipOptions,
    private readonly log: Logger,
  ) {
    this.view = new Map([[me.id, me]]);
    this.currentRing = this.build();
    this.health = new HealthTracker(() => clock.now());
  }

  get self(): NodeId {
    return this.me.id;
  }

  start(): void {
    this.transport.handle(MessageType.GOSSIP, (body) => {
      this.absorb(decodeMembers(body));
      return encodeMembers([...this.view.values()]);
    });
    const round = () => {
      this.gossipOnce()
        .catch((err: unknown) => this.log.debug({ err: (err as Error).message }, 'gossip round failed'))
        .finally(() => {
          if (this.cancelTimer) this.cancelTimer = this.clock.setTimer(this.opts.gossipIntervalMs, round);
        });
    };
    this.cancelTimer = this.clock.setTimer(0, round);
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  onRingChange(fn: (ring: Ring) => void): void {
    this.listeners.push(fn);
  }

  members(): MemberInfo[] {
    return [...this.view.values()];
  }

  member(id: NodeId): MemberInfo | undefined {
    return this.view.get(id);
  }

  ring(): Ring {
    return this.currentRing;
  }

  ringChecksum(): string {
    return ringChecksum(this.currentRing);
  }

  addressOf(id: NodeId): string | undefined {
    return this.view.get(id)?.address;
  }

  isUp(id: NodeId): boolean {
    return id === this.me.id || this.health.isUp(id);
  }

  isSuspect(id: NodeId): boolean {
    return id !== this.me.id && this.health.isSuspect(id);
  }

  reportSuccess(id: NodeId): void {
    if (this.health.success(id)) this.log.info({ peer: id }, 'peer is reachable again');
  }

  reportFailure(id: NodeId): void {
    if (this.health.failure(id)) this.log.warn({ peer: id }, 'peer unreachable: routing around it');
  }

  memberCount(): number {
    return ringMembers(this.view).length;
  }

  memberIds(): NodeId[] {
    return ringMembers(this.view).map((m) => m.id);
  }

  /** change this node's own entry (status, weight, ...) and let gossip spread it */
  updateSelf(change: Parameters<typeof bump>[1]): void {
    this.me = bump(this.me, change);
    this.absorb([this.me]);
  }

  /** merge entries heard from a peer */
  absorb(entries: readonly MemberInfo[]): void {
    // nobody else may speak for this node's current generation
    const foreign = entries.filter((e) => e.id !== this.me.id || e.generation > this.me.generation);
    const { view, changed } = mergeView(this.view, foreign.length === entries.length ? entries : foreign);
    if (changed.length === 0) return;
    this.view = view;
    const before = ringChecksum(this.currentRing);
    this.currentRing = this.build();
    if (ringChecksum(this.currentRing) !== before) {
      this.log.info({ members: this.memberIds().length, changed }, 'ring changed');
      for (const fn of this.listeners) fn(this.currentRing);
    }
  }

  private build(): Ring {
    const members = ringMembers(this.view).map((m) => ({ id: m.id, zone: m.zone, weight: m.weight }));
    return buildRing(members, { vnodesPerWeight: this.opts.vnodesPerWeight });
  }

  /** one push-pull exchange with a random peer (or a seed not yet known) */
  async gossipOnce(): Promise<void> {
    const known = new Set([...this.view.values()].map((m) => m.address));
    const candidates: Array<{ id: NodeId | null; address: string }> = [];
    for (const m of this.view.values()) if (m.id !== this.me.id && m.status !== 'removed') candidates.push({ id: m.id, address: m.address });
    for (const s of this.opts.seeds) if (!known.has(s) && s !== this.me.address) candidates.push({ id: null, address: s });
    if (candidates.length === 0) return;
    const peer = candidates[Math.floor(this.rng() * candidates.length)];
    try {
      const reply = await this.transport.request(peer.address, MessageType.GOSSIP, encodeMembers([...this.view.values()]), this.opts.requestTimeoutMs);
      if (peer.id) this.reportSuccess(peer.id);
      this.absorb(decodeMembers(reply));
    } catch (err) {
      if (peer.id) this.reportFailure(peer.id);
      throw err;
    }
  }
}
