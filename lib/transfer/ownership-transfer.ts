/**
 * Ownership transfer: how a node's data follows membership changes.
 * - Join: a new node started with seeds gossips itself in as `joining` (not on the ring requests
 *   use), pulls the slots the ring with it would give it from their current holders, and only
 *   then turns `normal`. A node that was a member before (a marker in its store) comes back
 *   `normal` at once: hinted handoff and read repair bring it up to date.
 * - Any ring change: a `normal` node pulls the slots it gained from their previous holders, a few
 *   gossip rounds after the change (so every node routes by the new ring by then). This is the
 *   re-replication after CLUSTER FORGET (the remaining replicas are the sources), the quota
 *   cascade between old nodes, and the joiner's catch-up for writes that raced its join. With
 *   anti-entropy on, that catch-up pulls only from holders that leave a slot (catchUpPlan): the
 *   replicas that stay exchange the rest with it anyway.
 * - Leave: `leaving` (still on the ring), push every record of the slots it held to the nodes that
 *   gain them, retrying until all acknowledged; then `removed`, told to every member, a couple of
 *   gossip rounds, and the `left` listeners (the node stops and exits).
 * Previous holders keep their copies: nothing is deleted here (see the report in the README).
 */
import type { Logger } from 'pino';
import type { Membership } from '../membership/membership';
import { MembershipError } from '../membership/errors';
import { onRing, type MemberStatus } from '../membership/view';
import { preferenceList, type Ring } from '../ring';
import { metaKey } from '../storage/keys';
import type { RecordStore } from '../storage/record-store';
import type { HandoffPacer } from '../handoff/pacer';
import type { Transport } from '../transport';
import type { CancelTimer, Clock } from '../util/clock';
import type { NodeId } from '../versioning/types';
import { registerTransferHandlers, type TransferCounters } from './handlers';
import { RecordMover } from './mover';
import { catchUpPlan, gainedSlots, pullPlan, pushPlan, type SlotSpan } from './plan';

export interface TransferOptions {
  readonly replicas: number;
  readonly requestTimeout: number;
  readonly gossipIntervalMs: number;
  /** gossip rounds to wait after a ring change before pulling gained slots; default 5 */
  readonly settleRounds?: number;
  /** records per page; default 256 */
  readonly pageSize?: number;
  /**
   * anti-entropy runs between replicas: a joiner's catch-up after its own join then pulls only
   * from holders that leave a slot (catchUpPlan), not the whole range again
   */
  readonly antiEntropy?: boolean;
}

export interface TransferStats {
  readonly status: MemberStatus | 'left';
  readonly jobsPending: number;
  readonly pulled: number;
  readonly pushed: number;
  readonly served: number;
  readonly received: number;
  readonly failures: number;
}

/**
 * Gossip rounds a new node waits to hear from a seed before it serves alone (always writable: a
 * node whose seeds are all unreachable still takes writes, as before joins existed).
 */
const LONE_START_ROUNDS = 2;

/** present in the store once this node has been a `normal` member */
const JOINED = metaKey('membership-joined');
/**
 * present while this node, given seeds, serves a cluster it started alone (no seed answered) that
 * nobody has joined through it yet: if it meets members it never saw joining, they are a cluster
 * of their own, and it joins them (see viewChanged)
 */
const LONE = metaKey('membership-lone');

export class OwnershipTransfer {
  private readonly mover: RecordMover;
  private readonly counters: TransferCounters = { served: 0, received: 0 };
  private running = false;
  private left = false;
  private lastRing: Ring;
  private queue: Promise<void> = Promise.resolve();
  private jobsPending = 0;
  private failures = 0;
  private readonly timers = new Set<CancelTimer>();
  private readonly leftListeners: Array<() => void> = [];
  private tasks: Array<Promise<void>> = [];
  /** see LONE */
  private lone = false;
  private wasMember = false;
  /** members this node has seen (one first seen joining came in through this node) */
  private readonly seen = new Set<NodeId>();

  constructor(
    private readonly membership: Membership,
    private readonly records: RecordStore,
    transport: Transport,
    private readonly clock: Clock,
    pacer: HandoffPacer,
    private readonly opts: TransferOptions,
    private readonly log: Logger,
  ) {
    this.mover = new RecordMover(records, transport, clock, pacer, { pageSize: opts.pageSize ?? 256, requestTimeout: opts.requestTimeout, pauseMs: 20 }, log);
    registerTransferHandlers(transport, records, this.counters);
    this.lastRing = membership.ring();
    membership.onRingChange((ring) => this.ringChanged(ring));
    membership.onViewChange(() => this.viewChanged());
  }

  /** before gossip starts: a new node with seeds joins; a former member or a lone node is `normal` */
  async prepare(hasSeeds: boolean): Promise<void> {
    const joined = (await this.records.store.get(JOINED)) !== undefined;
    this.wasMember = joined;
    if (joined) {
      this.lone = hasSeeds && (await this.records.store.get(LONE)) !== undefined;
      for (const m of this.membership.members()) this.seen.add(m.id);
      return;
    }
    if (hasSeeds) this.membership.updateSelf({ status: 'joining' });
    else await this.markJoined();
  }

  start(): void {
    this.running = true;
    if (this.membership.selfInfo().status === 'joining') this.task(this.join(), 'join failed');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.mover.stop();
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    await Promise.all(this.tasks);
    await this.queue;
  }

  /** true when this node was a member before this run (a restart, not a first start) */
  get restarted(): boolean {
    return this.wasMember;
  }

  /** true while this node serves a cluster it started alone (see LONE) */
  get servesAlone(): boolean {
    return this.lone;
  }

  /** called once the node has handed its data over and left the ring */
  onLeft(fn: () => void): void {
    this.leftListeners.push(fn);
  }

  stats(): TransferStats {
    return {
      status: this.left ? 'left' : this.membership.selfInfo().status,
      jobsPending: this.jobsPending,
      pulled: this.mover.counters.pulled,
      pushed: this.mover.counters.pushed,
      served: this.counters.served,
      received: this.counters.received,
      failures: this.failures,
    };
  }

  /** CLUSTER LEAVE: returns at once; the hand-over runs in the background */
  leave(): void {
    const me = this.membership.selfInfo();
    if (me.status !== 'normal') throw new MembershipError('MEMBER_BAD_STATE', `this node is ${me.status}, only a normal member can leave`);
    if (!this.membership.memberIds().some((id) => id !== me.id)) throw new MembershipError('MEMBER_LAST', 'this is the only node: nobody would hold its data');
    this.membership.updateSelf({ status: 'leaving' });
    this.log.warn('leaving the cluster: handing data over');
    this.task(this.runLeave(), 'leave failed');
  }

  /** CLUSTER FORGET: the node is gone for good; gainers re-replicate from the remaining holders */
  forget(id: NodeId): void {
    this.membership.forget(id);
  }

  private task(p: Promise<void>, what: string): void {
    const t = p.catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'TRANSFER_STOPPED') this.log.error({ err }, what);
    });
    this.tasks.push(t);
  }

  private get n(): number {
    return this.opts.replicas;
  }

  private async join(): Promise<void> {
    const started = this.clock.now();
    while (this.running && this.membership.selfInfo().status === 'joining') {
      const alone = !this.membership.heardFromPeers();
      if (alone && this.clock.now() - started < LONE_START_ROUNDS * this.opts.gossipIntervalMs) {
        await this.mover.sleep(this.opts.gossipIntervalMs);
        continue;
      }
      if (alone) this.log.warn('no seed answered: serving alone until the cluster is reachable');
      const before = this.membership.ring();
      if (before.members.length > 0) {
        const me = { ...this.membership.selfInfo(), status: 'normal' as const };
        const after = this.membership.ringOf([...this.membership.members().filter((m) => onRing(m) && m.id !== me.id), me]);
        this.log.info({ slots: gainedSlots(before, after, me.id, this.n).length }, 'joining: pulling the slots the ring gives this node');
        const ok = await this.pullAll(before, after);
        if (!ok || this.membership.ring().checksum !== before.checksum) {
          await this.mover.sleep(this.opts.gossipIntervalMs); // a source failed or the ring moved: again
          continue;
        }
      } else {
        this.log.info('no member serves yet: this node starts the cluster');
      }
      if (!this.running) return;
      for (const m of this.membership.members()) this.seen.add(m.id);
      this.lone = alone;
      await this.records.store.write([alone ? { type: 'put', key: LONE, value: Buffer.from('1') } : { type: 'del', key: LONE }]);
      this.membership.updateSelf({ status: 'normal' });
      await this.markJoined();
      this.log.info('joined: serving its slots');
    }
  }

  /** pulls what `self` gains from before to after; true when every gained slot came from a holder */
  private async pullAll(before: Ring, after: Ring): Promise<boolean> {
    const self = this.membership.self;
    const done = await this.pullFrom(pullPlan(before, after, self, this.n));
    if (!this.running) return false;
    return gainedSlots(before, after, self, this.n).every((slot) => preferenceList(before, slot, this.n).some((id) => done.has(id)));
  }

  /** pulls each source's spans; the sources that gave everything asked (stops early when stopped) */
  private async pullFrom(plan: Map<NodeId, SlotSpan[]>): Promise<Set<NodeId>> {
    const done = new Set<NodeId>();
    for (const [source, spans] of plan) {
      const m = this.membership.member(source);
      if (!this.running) return done;
      if (m === undefined || m.status === 'removed') continue;
      try {
        await this.mover.pull(m.address, spans);
        done.add(source);
      } catch (err) {
        if ((err as { code?: string }).code === 'TRANSFER_STOPPED') throw err;
        this.failures++;
        this.log.warn({ source, err: (err as Error).message }, 'pull failed');
      }
    }
    return done;
  }

  /**
   * A node that started alone (its seeds did not answer) and then meets members it never saw
   * joining has met a cluster of its own: it had entered that cluster's ring as `normal` with none
   * of its data, so reads whose first R answers came from such nodes missed keys. It leaves the
   * ring as `joining`, pulls what the ring gives it, and serves again. A member first seen joining
   * came in through this node: its cluster is this one, and it is no longer alone.
   */
  private viewChanged(): void {
    const self = this.membership.self;
    let met = false;
    for (const m of this.membership.members()) {
      if (m.id === self || this.seen.has(m.id)) continue;
      this.seen.add(m.id);
      if (!this.lone) continue;
      if (m.status === 'joining') this.clearLone();
      else if (onRing(m)) met = true;
    }
    if (!met || !this.lone || !this.running || this.membership.selfInfo().status !== 'normal') return;
    this.log.warn('this node started alone (no seed answered) and has met a cluster: joining it, pulling the slots its ring gives this node');
    this.clearLone();
    this.membership.updateSelf({ status: 'joining' });
    this.task(this.join(), 'join failed');
  }

  private clearLone(): void {
    this.lone = false;
    this.records.store.write([{ type: 'del', key: LONE }]).catch((err: unknown) => this.log.warn({ err }, 'could not clear the lone-start mark'));
  }

  private ringChanged(ring: Ring): void {
    const before = this.lastRing;
    this.lastRing = ring;
    if (!this.running || this.membership.selfInfo().status !== 'normal') return;
    if (gainedSlots(before, ring, this.membership.self, this.n).length === 0) return;
    this.jobsPending++;
    const cancel = this.clock.setTimer((this.opts.settleRounds ?? 5) * this.opts.gossipIntervalMs, () => {
      this.timers.delete(cancel);
      this.queue = this.queue.then(async () => {
        try {
          if (!this.running) return;
          const self = this.membership.self;
          if (this.opts.antiEntropy === true && !before.members.some((m) => m.id === self)) {
            // this node's own join: it pulled these slots while joining; what raced it is on the
            // replicas that stay (anti-entropy brings it) or on holders that leave the slot
            const plan = catchUpPlan(before, ring, self, this.n);
            const done = await this.pullFrom(plan);
            this.log.info({ complete: done.size === plan.size, sources: plan.size }, 'caught up on writes that raced the join');
            return;
          }
          const ok = await this.pullAll(before, ring);
          this.log.info({ complete: ok }, 'pulled the slots a ring change gave this node');
        } catch (err) {
          if ((err as { code?: string }).code !== 'TRANSFER_STOPPED') this.log.error({ err }, 'ring-change pull failed');
        } finally {
          this.jobsPending--;
        }
      });
    });
    this.timers.add(cancel);
  }

  private async runLeave(): Promise<void> {
    const self = this.membership.self;
    for (let attempt = 0; ; attempt++) {
      if (!this.running) return;
      const before = this.membership.ring();
      const after = this.membership.ringOf(this.membership.members().filter((m) => onRing(m) && m.id !== self));
      if (await this.pushAll(before, after)) break;
      await this.mover.sleep(Math.min(10_000, this.opts.gossipIntervalMs * 2 ** attempt));
    }
    this.membership.updateSelf({ status: 'removed' });
    await this.records.store.write([{ type: 'del', key: JOINED }]);
    await this.membership.announce();
    await this.mover.sleep(2 * this.opts.gossipIntervalMs);
    this.left = true;
    this.log.warn('left the cluster');
    for (const fn of this.leftListeners) fn();
  }

  /** pushes what self held to its new holders; true when every one acknowledged everything */
  private async pushAll(before: Ring, after: Ring): Promise<boolean> {
    let ok = true;
    for (const [dest, spans] of pushPlan(before, after, this.membership.self, this.n)) {
      const address = this.membership.addressOf(dest);
      try {
        if (address === undefined) throw new Error(`no address for ${dest}`);
        const sent = await this.mover.push(address, spans);
        this.log.info({ dest, records: sent }, 'handed over');
      } catch (err) {
        if ((err as { code?: string }).code === 'TRANSFER_STOPPED') throw err;
        ok = false;
        this.failures++;
        this.log.warn({ dest, err: (err as Error).message }, 'hand-over failed; will retry');
      }
    }
    return ok;
  }

  private async markJoined(): Promise<void> {
    await this.records.store.write([{ type: 'put', key: JOINED, value: Buffer.from('1') }]);
  }
}
