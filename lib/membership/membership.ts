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
import { MembershipError } from './errors';
import type { ClusterView } from '../coordinator/cluster-view';
import { HealthTracker } from './health';
import { bump, describePlacement, forgotten, mergeView, newer, placementDiffers, ringMembers, type MemberInfo, type View } from './view';
import { decodeMembers, encodeMembers } from './codec';

/** how long a placement conflict heard from a peer is reported (INFO's placement_conflict_peers) */
const CONFLICT_MEMORY_MS = 60_000;

export interface MembershipOptions {
  readonly seeds: readonly string[];
  readonly vnodesPerWeight: number;
  readonly gossipIntervalMs: number;
  readonly requestTimeoutMs: number;
}

export class Membership implements ClusterView {
  private view: View;
  private currentRing: Ring;
  /** members on the ring (normal or leaving), counted when the ring is built: asked per request */
  private ringMemberCount = 0;
  private readonly health: HealthTracker;
  private readonly listeners: Array<(ring: Ring) => void> = [];
  private readonly viewListeners: Array<() => void> = [];
  private cancelTimer: (() => void) | null = null;
  /** see stalled() */
  private trustFailuresAfter = 0;
  /** suspected peers being probed because a request came from them (heardFrom) */
  private readonly probing = new Set<NodeId>();
  /** gossip exchanges completed (sent or answered): 0 until this node has heard the cluster */
  private exchanges = 0;
  /** peers whose own entry named other placement settings than this node's, by id: that entry and when it was heard */
  private readonly conflicting = new Map<NodeId, { entry: MemberInfo; at: number }>();
  private readonly conflictListeners: Array<(peer: MemberInfo, asked: boolean) => void> = [];
  private readonly idConflictListeners: Array<(other: MemberInfo, otherIsOlder: boolean) => void> = [];
  /** the latest generation of this node's own entries kept in its store (its past runs) */
  private ownPast = -Infinity;

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
    this.transport.onInbound((from) => this.heardFrom(from.id));
    this.transport.handle(MessageType.GOSSIP, (body, from) => {
      const entries = decodeMembers(body);
      // the answer carries this node's own entry either way, so a peer in conflict learns it too
      if (this.conflicts(entries.find((e) => e.id === from.id), false)) return encodeMembers([...this.view.values()]);
      // an entry replaced by one of another address goes back too: a second process started under
      // a member's node-id learns at once that the id is taken (Membership.ownEntryHeard)
      const displaced: MemberInfo[] = [];
      for (const e of entries) {
        const cur = this.view.get(e.id);
        if (cur !== undefined && e.id !== this.me.id && cur.address !== e.address && newer(e, cur)) displaced.push(cur);
      }
      this.absorb(entries);
      this.exchanges++;
      return encodeMembers([...this.view.values(), ...displaced]);
    });
    const round = () => {
      this.probeSuspects();
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

  /** called after any entry of the view changed (ring or not) */
  onViewChange(fn: () => void): void {
    this.viewListeners.push(fn);
  }

  members(): MemberInfo[] {
    return [...this.view.values()];
  }

  member(id: NodeId): MemberInfo | undefined {
    return this.view.get(id);
  }

  knows(id: NodeId): boolean {
    return this.view.has(id);
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

  /**
   * Ping each suspected peer whose retry time has come: a reply brings it back into rotation. Only
   * these probes do, never client requests (a forwarded write that times out cannot be retried).
   */
  private probeSuspects(): void {
    for (const id of this.health.dueForProbe()) {
      const address = this.addressOf(id);
      if (!address) continue;
      this.transport.request(address, MessageType.PING, Buffer.alloc(0), this.opts.requestTimeoutMs).then(
        () => this.reportSuccess(id),
        () => this.reportFailure(id),
      );
    }
  }

  /**
   * A request arrived from a suspected peer: it runs again (it was stopped, or restarted). Probe it
   * now rather than at its back-off's retry time, so that every node routes to it again within a
   * round trip of one another: a node that kept it suspected seconds longer than the rest ran
   * read-modify-write commands for its keys while the others sent them to it, and the two lost
   * each other's APPENDs. The probe, not the request, brings it back (this node may still be
   * unable to reach it).
   */
  private heardFrom(id: NodeId): void {
    if (!this.health.isSuspect(id) || this.probing.has(id)) return;
    const address = this.addressOf(id);
    if (address === undefined) return;
    this.probing.add(id);
    this.transport.request(address, MessageType.PING, Buffer.alloc(0), this.opts.requestTimeoutMs).then(
      () => this.reportSuccess(id),
      () => undefined,
    ).finally(() => this.probing.delete(id));
  }

  reportSuccess(id: NodeId): void {
    if (this.health.success(id)) this.log.info({ peer: id }, 'peer is reachable again');
  }

  reportFailure(id: NodeId): void {
    // requests this process sent just before it was stopped time out when it resumes: they say
    // nothing about their peers (see stalled)
    if (this.clock.now() < this.trustFailuresAfter) return;
    if (this.health.failure(id)) this.log.warn({ peer: id }, 'peer unreachable: routing around it');
  }

  /**
   * This process was stopped (SIGSTOP, a paused VM) and has just resumed: for a request timeout,
   * missed replies are not held against peers. Every request in flight timed out at once on
   * resume, so the node took all its peers for down and wrote on its own stale copy alone.
   */
  stalled(): void {
    this.trustFailuresAfter = this.clock.now() + this.opts.requestTimeoutMs;
  }

  memberCount(): number {
    return this.ringMemberCount;
  }

  memberIds(): NodeId[] {
    return ringMembers(this.view).map((m) => m.id);
  }

  /** change this node's own entry (status, weight, ...) and let gossip spread it */
  updateSelf(change: Parameters<typeof bump>[1]): void {
    this.me = bump(this.me, change);
    this.apply([this.me]);
  }

  /** true once this node exchanged views with a peer at least once */
  heardFromPeers(): boolean {
    return this.exchanges > 0;
  }

  /** this node's own entry as it gossips it */
  selfInfo(): MemberInfo {
    return this.me;
  }

  /**
   * CLUSTER FORGET: mark another node `removed` for good with a version that beats its last
   * entry; gossip spreads it and every ring drops it. Forgetting a node already removed is a no-op.
   */
  forget(id: NodeId): void {
    if (id === this.me.id) throw new MembershipError('MEMBER_SELF', "I tried hard but I can't forget myself...");
    const cur = this.view.get(id);
    if (cur === undefined) throw new MembershipError('MEMBER_UNKNOWN', `Unknown node ${id}`);
    if (cur.status === 'removed') return;
    this.log.warn({ peer: id }, 'forgetting node');
    this.absorb([forgotten(cur)]);
    this.health.forget(id);
  }

  /**
   * Called when a peer's own entry names other placement settings (`replicas`,
   * `vnodes-per-weight`) than this node's; `asked` is true when this node started the exchange.
   * Such a peer's view is not merged (nor this node's into it), so neither routes by a ring the
   * other places keys on differently.
   */
  onPlacementConflict(fn: (peer: MemberInfo, asked: boolean) => void): void {
    this.conflictListeners.push(fn);
  }

  /** peers heard in the last minute with placement settings other than this node's, and not heard to agree since */
  conflictingPeers(): MemberInfo[] {
    const since = this.clock.now() - CONFLICT_MEMORY_MS;
    return [...this.conflicting.values()].filter((c) => c.at >= since).map((c) => c.entry);
  }

  /** true (and logged once per peer generation) when a peer's own entry conflicts with this node's placement */
  private conflicts(theirs: MemberInfo | undefined, asked: boolean): boolean {
    if (theirs === undefined || theirs.id === this.me.id) return false;
    if (!placementDiffers(theirs, this.me)) {
      if (this.conflicting.delete(theirs.id)) this.log.info({ peer: theirs.id }, 'peer now uses the same placement settings');
      return false;
    }
    const before = this.conflicting.get(theirs.id)?.entry;
    this.conflicting.set(theirs.id, { entry: theirs, at: this.clock.now() });
    if (before === undefined || before.generation !== theirs.generation) {
      this.log.error({ peer: theirs.id, address: theirs.address },
        'peer %s runs with %s, this node with %s: every node of a cluster must use the same; not merging its view',
        theirs.id, describePlacement(theirs), describePlacement(this.me));
    }
    for (const fn of this.conflictListeners) fn(theirs, asked);
    return true;
  }

  /** true when the member answers a PING within the request timeout */
  async answers(id: NodeId): Promise<boolean> {
    const address = this.addressOf(id);
    if (address === undefined || id === this.me.id) return false;
    return this.answersAt(address);
  }

  /** true when a node answers a PING at this cluster address within the request timeout */
  async answersAt(address: string): Promise<boolean> {
    if (address === this.me.address) return false;
    try {
      await this.transport.request(address, MessageType.PING, Buffer.alloc(0), this.opts.requestTimeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** the ring these members would make (same options as the live ring) */
  ringOf(members: readonly MemberInfo[]): Ring {
    return buildRing(members.map((m) => ({ id: m.id, zone: m.zone, weight: m.weight })), { vnodesPerWeight: this.opts.vnodesPerWeight });
  }

  /** merge the members this node kept in its store when it last ran (its own old entries included) */
  restore(entries: readonly MemberInfo[]): void {
    for (const e of entries) if (e.id === this.me.id) this.ownPast = Math.max(this.ownPast, e.generation);
    this.absorb(entries);
  }

  /** called when another process announces this node's id from another address */
  onIdConflict(fn: (other: MemberInfo, otherIsOlder: boolean) => void): void {
    this.idConflictListeners.push(fn);
  }

  /** merge entries heard from a peer; nobody else speaks for this node (see ownEntryHeard) */
  absorb(entries: readonly MemberInfo[]): void {
    let foreign: MemberInfo[] | null = null;
    for (const e of entries) {
      if (e.id !== this.me.id) continue;
      this.ownEntryHeard(e);
      foreign ??= entries.filter((x) => x.id !== this.me.id);
    }
    this.apply(foreign ?? entries);
  }

  /**
   * An entry with this node's id that this node did not write in this run: one of its own past
   * runs (kept in its store, or at its own address), or another process using the same
   * `node-id`. An entry that would beat this node's own (a past run whose clock was ahead, or a
   * process started later under the same id) is outdone: this node takes a later generation, so
   * every view holds its entry again. An entry of another address that is not this node's past
   * is a second process with this id: reported, with whether it started first (the one that
   * started later stops, see ClusterMember; the other has outdone its entry, as above).
   */
  private ownEntryHeard(e: MemberInfo): void {
    if (e.generation === this.me.generation) return; // this run's own entry, or CLUSTER FORGET of it
    const past = e.generation <= this.ownPast;
    const startOf = (m: MemberInfo): number => m.started ?? m.generation;
    const older = startOf(e) < startOf(this.me) || (startOf(e) === startOf(this.me) && e.address < this.me.address);
    if (e.generation > this.me.generation) {
      this.me = { ...this.me, generation: e.generation + 1, version: 1 };
      this.apply([this.me]);
    }
    if (past || e.address === this.me.address || e.status === 'removed') return;
    this.log.error({ address: e.address, status: e.status }, 'another process announces node-id %s from %s: node ids must be unique', e.id, e.address);
    for (const fn of this.idConflictListeners) fn(e, older);
  }

  private apply(entries: readonly MemberInfo[]): void {
    const { view, changed } = mergeView(this.view, entries);
    if (changed.length === 0) return;
    this.view = view;
    // a peer heard in conflict that has since restarted with this node's settings
    for (const id of changed) if (this.conflicting.has(id) && !placementDiffers(view.get(id)!, this.me)) this.conflicting.delete(id);
    const before = ringChecksum(this.currentRing);
    this.currentRing = this.build();
    if (ringChecksum(this.currentRing) !== before) {
      this.log.info({ members: this.memberIds().length, changed }, 'ring changed');
      for (const fn of this.listeners) fn(this.currentRing);
    }
    for (const fn of this.viewListeners) fn();
  }

  private build(): Ring {
    const members = ringMembers(this.view);
    this.ringMemberCount = members.length;
    return this.ringOf(members);
  }

  /** one push-pull exchange with every known member at once (a change that must spread now) */
  async announce(): Promise<void> {
    const peers = [...this.view.values()].filter((m) => m.id !== this.me.id && m.status !== 'removed');
    await Promise.all(peers.map(async (m) => {
      try {
        const reply = await this.transport.request(m.address, MessageType.GOSSIP, encodeMembers([...this.view.values()]), this.opts.requestTimeoutMs);
        const entries = decodeMembers(reply);
        if (!this.conflicts(entries.find((e) => e.id === m.id), true)) this.absorb(entries);
      } catch (err) {
        this.log.debug({ peer: m.id, err: (err as Error).message }, 'announce failed');
      }
    }));
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
      const entries = decodeMembers(reply);
      // the peer's own entry: by id, or, for a seed not yet known, by the address asked
      const theirs = entries.find((e) => (peer.id === null ? e.address === peer.address : e.id === peer.id));
      if (this.conflicts(theirs, true)) return;
      if (peer.id) this.reportSuccess(peer.id);
      this.absorb(entries);
      this.exchanges++;
    } catch (err) {
      if (peer.id) this.reportFailure(peer.id);
      throw err;
    }
  }
}
