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
import type { MemberInfo } from './membership/view';
import { FixedRatePacer, HintDelivery, HintStore, handoffInfoFields, type InfoFields } from './handoff';

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
}

const HANDOFF_PAGE = 64;

export class ClusterMember {
  readonly records: RecordStore;
  readonly membership: Membership;
  readonly coordinator: Coordinator;
  /** null with `hinted-handoff no` */
  readonly hints: HintStore | null;
  readonly handoff: HintDelivery | null;

  constructor(
    readonly store: Store,
    readonly transport: Transport,
    readonly clock: Clock,
    rng: () => number,
    opts: ClusterMemberOptions,
    log: Logger,
  ) {
    this.records = new RecordStore(store);
    const me: MemberInfo = { ...opts.self, status: 'normal', generation: clock.now(), version: 1 };
    this.membership = new Membership(me, transport, clock, rng, {
      seeds: opts.seeds,
      vnodesPerWeight: opts.vnodesPerWeight,
      gossipIntervalMs: opts.gossipIntervalMs,
      requestTimeoutMs: opts.requestTimeout,
    }, log.child({ module: 'membership' }));
    const handoffLog = log.child({ module: 'handoff' });
    if (opts.hintedHandoff === false) {
      this.hints = null;
      this.handoff = null;
    } else {
      const maxHints = opts.maxHints ?? 1_000_000;
      const maxHintsPerTarget = opts.maxHintsPerTarget ?? Math.min(100_000, maxHints);
      this.hints = new HintStore(store, opts.self.id, { maxHints, maxHintsPerTarget }, () => clock.now(), handoffLog);
      this.handoff = new HintDelivery(this.hints, this.records, transport, this.membership, clock,
        new FixedRatePacer(opts.handoffRate ?? 1000, HANDOFF_PAGE),
        { replicas: opts.replicas, requestTimeout: opts.requestTimeout, pageSize: HANDOFF_PAGE }, handoffLog);
    }
    this.coordinator = new Coordinator(this.membership, this.records, transport, {
      replicas: opts.replicas,
      readQuorum: opts.readQuorum,
      writeQuorum: opts.writeQuorum,
      requestTimeout: opts.requestTimeout,
    }, log.child({ module: 'coordinator' }), this.hints);
    registerReplicaHandlers(transport, this.records, this.coordinator, this.hints);
  }

  /** the store must be open; counts the stored hints, starts serving peers, gossip and handoff */
  async start(): Promise<void> {
    await this.hints?.load();
    await this.transport.start();
    this.membership.start();
    this.handoff?.start();
  }

  async stop(): Promise<void> {
    this.membership.stop();
    await this.handoff?.stop();
    await this.transport.close();
    await this.hints?.idle();
  }

  /** the INFO `handoff` section: hints_pending, hints_per_target, hints_delivered, hints_dropped */
  handoffInfo(): InfoFields {
    return handoffInfoFields(this.hints?.stats() ?? null);
  }
}
