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

export interface ClusterMemberOptions {
  readonly self: Omit<MemberInfo, 'status' | 'generation' | 'version'>;
  readonly seeds: readonly string[];
  readonly replicas: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly requestTimeout: number;
  readonly vnodesPerWeight: number;
  readonly gossipIntervalMs: number;
}

export class ClusterMember {
  readonly records: RecordStore;
  readonly membership: Membership;
  readonly coordinator: Coordinator;

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
    this.coordinator = new Coordinator(this.membership, this.records, transport, {
      replicas: opts.replicas,
      readQuorum: opts.readQuorum,
      writeQuorum: opts.writeQuorum,
      requestTimeout: opts.requestTimeout,
    }, log.child({ module: 'coordinator' }));
    registerReplicaHandlers(transport, this.records, this.coordinator, null);
  }

  /** the store must be open; starts serving peers and gossiping */
  async start(): Promise<void> {
    await this.transport.start();
    this.membership.start();
  }

  async stop(): Promise<void> {
    this.membership.stop();
    await this.transport.close();
  }
}
