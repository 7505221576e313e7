/**
 * The replica-and-coordinator half of a node, built from injected parts (store, transport,
 * clock, rng, logger). The real node (node.ts) gives it LevelDB and TCP; the simulated cluster in
 * the tests gives it a MemoryStore and a MemoryTransport on a manual clock.
 */
import type { Logger } from 'pino';
import type { Store } from './storage/store';
import type { Transport } from './transport';
import type { Clock } from './util/clock';
import { RecordStore } from './storage/record-store';
import { Coordinator } from './coordinator/coordinator';
import { registerReplicaHandlers } from './coordinator/replica-handlers';
import { Membership } from './membership/membership';
import { decodeMembers, encodeMembers } from './membership/codec';
import { metaKey } from './storage/keys';
import { describePlacement, type MemberInfo } from './membership/view';
import { FixedRatePacer, HintDelivery, HintStore, handoffInfoFields, type InfoFields } from './handoff';
import type { BackgroundBudget } from './background/budget';
import { AntiEntropy, antiEntropyInfoFields, type AntiEntropyStats } from './antientropy';
import { OwnershipTransfer, transferInfoFields } from './transfer';
import { TombstoneGc, tombstoneGcInfoFields } from './antientropy/tombstone-gc';
import type { BatchSchedule } from './coordinator/replica-batch';

/** the member list as this node last knew it (encodeMembers) */
const MEMBERS_KEY = metaKey('members');

export interface ClusterMemberOptions {
  readonly self: Omit<MemberInfo, 'status' | 'generation' | 'version'>;
  readonly seeds: readonly string[];
  readonly replicas: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly requestTimeout: number;
  readonly vnodesPerWeight: number;
  readonly gossipIntervalMs: number;
  /** `hinted-handoff`: no → no hints kept (anti-entropy repairs); default yes */
  readonly hintedHandoff?: boolean;
  /** `max-hints`; default 1,000,000 */
  readonly maxHints?: number;
  /** `max-hints-per-target`; default min(100,000, maxHints) */
  readonly maxHintsPerTarget?: number;
  /** records per second handoff may send (until the background controller paces it); default 1000 */
  readonly handoffRate?: number;
  /** the background controller's budgets; without it handoff is paced at `handoffRate` */
  readonly background?: { budgetFor(task: string): BackgroundBudget };
  /** `anti-entropy-interval`: ms between exchange rounds; 0 or absent disables */
  readonly antiEntropyInterval?: number;
  /** records per second ownership transfer (join, leave, re-replication) may move without a controller; default 5000 */
  readonly transferRate?: number;
  /** `tombstone-grace`: ms a record must have been dead before tombstone GC may reap it; default 1 hour */
  readonly tombstoneGraceMs?: number;
  /** RecordStore's cache of encoded records, in bytes (record-cache-size) */
  readonly recordCacheBytes?: number;
  /** when the coordinator's batched replica requests leave (default: end of the microtask run) */
  readonly batchSchedule?: BatchSchedule;
  /**
   * the name new versions coordinated here are signed with (default: the node id; after an
   * unclean reboot, `<id>@<epoch>`: node-epoch.ts)
   */
  readonly actor?: string;
}

const HANDOFF_PAGE = 64;
/** how long after a restart (or a stall) a node's plain writes read the key first, at least */
const RESTART_CATCH_UP_MS = 10_000;
/** a timer of STALL_TICK_MS that fires more than STALL_MS late: the process was stopped */
const STALL_TICK_MS = 500;
const STALL_MS = 2_000;
const TRANSFER_PAGE = 256;

export class ClusterMember {
  readonly records: RecordStore;
  readonly membership: Membership;
  readonly coordinator: Coordinator;
  /** null with `hinted-handoff no` */
  readonly hints: HintStore | null;
  readonly handoff: HintDelivery | null;
  readonly antiEntropy: AntiEntropy;
  /** join / leave / forget: moves data as the ring changes */
  readonly transfer: OwnershipTransfer;
  /** reaps dead records every replica has (sweeps at the anti-entropy interval) */
  readonly gc: TombstoneGc;
  private readonly hasSeeds: boolean;
  private readonly log: Logger;
  private readonly mustStopListeners: Array<(message: string) => void> = [];
  /** see start() and watchStalls(): until then, this node's own replica may be behind */
  private catchUpUntil = 0;
  private cancelStallTimer: (() => void) | null = null;
  /** when the stall timer last ran (watchStalls) */
  private lastTick = Number.MAX_SAFE_INTEGER;
  private readonly antiEntropyIntervalMs: number;
  /** the view's persistence: a write under way, and whether the view changed since it began */
  private savingMembers: Promise<void> | null = null;
  private membersDirty = false;

  constructor(
    readonly store: Store,
    readonly transport: Transport,
    readonly clock: Clock,
    rng: () => number,
    opts: ClusterMemberOptions,
    log: Logger,
  ) {
    this.records = new RecordStore(store, opts.recordCacheBytes);
    this.log = log;
    const started = clock.now();
    const me: MemberInfo = {
      ...opts.self, replicas: opts.replicas, vnodesPerWeight: opts.vnodesPerWeight, started, status: 'normal', generation: started, version: 1,
    };
    this.membership = new Membership(me, transport, clock, rng, {
      seeds: opts.seeds,
      vnodesPerWeight: opts.vnodesPerWeight,
      gossipIntervalMs: opts.gossipIntervalMs,
      requestTimeoutMs: opts.requestTimeout,
    }, log.child({ module: 'membership' }));
    this.hasSeeds = opts.seeds.length > 0;
    this.antiEntropyIntervalMs = opts.antiEntropyInterval ?? 0;
    this.transfer = new OwnershipTransfer(this.membership, this.records, transport, clock,
      opts.background?.budgetFor('transfer') ?? new FixedRatePacer(opts.transferRate ?? 5000, TRANSFER_PAGE),
      {
        replicas: opts.replicas, requestTimeout: opts.requestTimeout, gossipIntervalMs: opts.gossipIntervalMs, pageSize: TRANSFER_PAGE,
        antiEntropy: (opts.antiEntropyInterval ?? 0) > 0,
      },
      log.child({ module: 'transfer' }));
    const handoffLog = log.child({ module: 'handoff' });
    if (opts.hintedHandoff === false) {
      this.hints = null;
      this.handoff = null;
    } else {
      const maxHints = opts.maxHints ?? 1_000_000;
      const maxHintsPerTarget = opts.maxHintsPerTarget ?? Math.min(100_000, maxHints);
      this.hints = new HintStore(store, opts.self.id, { maxHints, maxHintsPerTarget }, () => clock.now(), handoffLog);
      this.handoff = new HintDelivery(this.hints, this.records, transport, this.membership, clock,
        opts.background?.budgetFor('handoff') ?? new FixedRatePacer(opts.handoffRate ?? 1000, HANDOFF_PAGE),
        { replicas: opts.replicas, requestTimeout: opts.requestTimeout, pageSize: HANDOFF_PAGE, actor: opts.actor }, handoffLog);
    }
    this.coordinator = new Coordinator(this.membership, this.records, transport, {
      replicas: opts.replicas,
      readQuorum: opts.readQuorum,
      writeQuorum: opts.writeQuorum,
      requestTimeout: opts.requestTimeout,
      minClusterSize: new Set([...opts.seeds, opts.self.address]).size,
      clock,
      batchSchedule: opts.batchSchedule,
      actor: opts.actor,
      // after a restart or a stall; and in the moments after a resume, before the stall timer runs
      // (the event loop reads the sockets before it runs the timers that came due meanwhile)
      mayBeStale: () => {
        const now = clock.now();
        return now < this.catchUpUntil || now - this.lastTick > STALL_MS;
      },
    }, log.child({ module: 'coordinator' }), this.hints);
    registerReplicaHandlers(transport, this.records, this.coordinator, this.hints, () => clock.now());
    const graceMs = opts.tombstoneGraceMs ?? 3_600_000;
    this.antiEntropy = new AntiEntropy(this.records, transport, this.membership, clock, {
      replicas: opts.replicas,
      requestTimeout: opts.requestTimeout,
      intervalMs: opts.antiEntropyInterval ?? 0,
      pacer: opts.background?.budgetFor('antientropy'),
      tombstoneGraceMs: graceMs,
    }, log.child({ module: 'antientropy' }));
    this.gc = new TombstoneGc(this.records, transport, this.membership, this.hints, clock, {
      graceMs,
      intervalMs: opts.antiEntropyInterval ?? 0,
      requestTimeout: opts.requestTimeout,
      pacer: opts.background?.budgetFor('gc'),
      actor: opts.actor,
    }, log.child({ module: 'gc' }));
    this.membership.onPlacementConflict((peer, asked) => this.placementConflict(peer, asked));
    this.membership.onIdConflict((other, otherIsOlder) => {
      // the process that started later under an id another one still runs with stops; the other
      // keeps its place. An entry of a process that is gone (a run at another address, a second
      // process already stopped) is only outdone by this node's own.
      if (!otherIsOlder) return;
      void this.membership.answersAt(other.address).then((alive) => {
        if (!alive) return;
        const message = `node-id ${other.id} is already used by a member at ${other.address}: give this node another node-id`
          + ' (or, if that node is gone for good, CLUSTER FORGET it first)';
        for (const fn of this.mustStopListeners) fn(message);
      });
    });
  }

  /**
   * A node still starting (it has heard from no peer yet and does not serve a cluster of its own)
   * whose first peer answers with other placement settings is the node out of line: it is told
   * to stop (`onMustStop`), so that it never takes a write for a ring its cluster does not
   * use. A node already serving only logs the conflict and keeps that peer out of its view.
   */
  private placementConflict(peer: MemberInfo, asked: boolean): void {
    if (!asked || this.membership.heardFromPeers() || this.transfer.servesAlone) return;
    const message = `peer ${peer.id} (${peer.address}) runs with ${describePlacement(peer)}, this node with `
      + `${describePlacement(this.membership.selfInfo())}: every node of a cluster must use the same replicas and vnodes-per-weight`;
    for (const fn of this.mustStopListeners) fn(message);
  }

  /**
   * called when this node must stop: while starting, it found that its cluster uses other
   * placement settings, or its node-id is already used by a member started before it
   */
  onMustStop(fn: (message: string) => void): void {
    this.mustStopListeners.push(fn);
  }

  /** the store must be open; counts the stored hints, starts serving peers, gossip and handoff */
  async start(): Promise<void> {
    await this.hints?.load();
    await this.records.loadDotFloor();
    await this.restoreMembers();
    await this.antiEntropy.start(); // builds its tree (one scan of the store) before any write arrives
    await this.transfer.prepare(this.hasSeeds); // a new node with seeds gossips itself in as joining
    // a restarted node missed what was written while it was down, until handoff and anti-entropy
    // bring it: for a while, its plain writes read the key first (Coordinator.mayBeStale)
    if (this.transfer.restarted) this.catchUpUntil = this.clock.now() + Math.max(RESTART_CATCH_UP_MS, 2 * this.antiEntropyIntervalMs);
    await this.transport.start();
    this.membership.start();
    // tell every known member at once that this node runs (again): each one that suspected it
    // probes it now (Membership.heardFrom), before clients reach it, so that no node runs the
    // read-modify-write commands of its keys while it runs them too (not awaited: a peer that is
    // down must not delay the start)
    if (this.membership.members().length > 1) void this.membership.announce();
    this.handoff?.start();
    this.transfer.start();
    this.gc.start();
    this.watchStalls();
  }

  /**
   * A process that was stopped (SIGSTOP, a VM paused, a long GC or swap storm) missed what was
   * written meanwhile, as a restarted one did: a timer that fires far later than asked says so,
   * and its plain writes read the key first for a while (Coordinator.mayBeStale).
   */
  private watchStalls(): void {
    this.lastTick = this.clock.now();
    const tick = (): void => {
      const now = this.clock.now();
      if (now - this.lastTick > STALL_MS) {
        this.catchUpUntil = Math.max(this.catchUpUntil, now + RESTART_CATCH_UP_MS);
        this.membership.stalled();
      }
      this.lastTick = now;
      this.cancelStallTimer = this.clock.setTimer(STALL_TICK_MS, tick);
    };
    this.cancelStallTimer = this.clock.setTimer(STALL_TICK_MS, tick);
  }

  async stop(): Promise<void> {
    this.cancelStallTimer?.();
    this.cancelStallTimer = null;
    this.membership.stop();
    await this.savingMembers;
    await this.transfer.stop();
    await this.handoff?.stop();
    await this.antiEntropy.stop();
    await this.gc.stop();
    await this.transport.close();
    await this.hints?.idle();
  }

  /**
   * The members this node knew when it last ran, kept in its store at every change of the view: a
   * node that restarts routes by the ring it had, not by the part of the cluster it hears from
   * first. (With only itself and one reachable peer in view, a restarted node took itself for a
   * home replica of keys it is not one of, and a write it then could not replicate stayed on it
   * alone, with no hint to move it: the fault suite's seed 40119.) Gossip overrides any entry
   * with a newer one, as for entries heard from peers; this node's own old entry loses to the
   * new generation it starts with.
   */
  private async restoreMembers(): Promise<void> {
    const bytes = await this.store.get(MEMBERS_KEY);
    if (bytes !== undefined) {
      try {
        this.membership.restore(decodeMembers(bytes));
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'the members kept in the store do not decode: starting from the seeds alone');
      }
    }
    this.membership.onViewChange(() => this.saveMembers());
    this.saveMembers();
  }

  /** one write at a time, each of the latest view; never throws */
  private saveMembers(): void {
    if (this.savingMembers !== null) {
      this.membersDirty = true;
      return;
    }
    const save = async (): Promise<void> => {
      do {
        this.membersDirty = false;
        try {
          await this.store.write([{ type: 'put', key: MEMBERS_KEY, value: encodeMembers(this.membership.members()) }]);
        } catch (err) {
          this.log.debug({ err: (err as Error).message }, 'could not keep the member list');
          return;
        }
      } while (this.membersDirty);
    };
    this.savingMembers = save().finally(() => (this.savingMembers = null));
  }

  /** the INFO `handoff` section: hints_pending, hints_per_target, hints_delivered, hints_dropped, hints_released */
  handoffInfo(): InfoFields {
    return handoffInfoFields(this.hints?.stats() ?? null, this.handoff?.releasedCount ?? 0);
  }

  /** the INFO `transfer` section: this node's member status and what ownership transfer moved */
  transferInfo(): InfoFields {
    return transferInfoFields(this.transfer.stats());
  }

  /** anti-entropy counters (rounds, keys_pushed, keys_pulled, last_round_ms, ...) */
  antiEntropyStats(): AntiEntropyStats {
    return this.antiEntropy.stats();
  }

  /** the INFO `antientropy` section */
  antiEntropyInfo(): InfoFields {
    return [...antiEntropyInfoFields(this.antiEntropy.stats(), this.antiEntropy.enabled), ...tombstoneGcInfoFields(this.gc.stats())];
  }
}
