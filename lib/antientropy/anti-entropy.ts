/**
 * The anti-entropy driver: builds this replica's tree, serves peers' exchanges, and every
 * `intervalMs` (on the injected Clock) runs one exchange with the next peer (round-robin over
 * the up peers that share partitions with this node on the current ring). Its counters are the
 * INFO `antientropy` fields.
 */
import type { Logger } from 'pino';
import type { ClusterView } from '../coordinator/cluster-view';
import type { RecordStore } from '../storage/record-store';
import type { Transport } from '../transport';
import type { Clock } from '../util/clock';
import { MAX_KEYS_PAGE, MAX_SYNC_KEYS } from './messages';
import { registerAntiEntropyHandlers } from './handlers';
import { ReplicaTree } from './replica-tree';
import { exchangePeers, sharedPartitions } from './shared-partitions';
import { runExchange, type ExchangeResult } from './exchange';
import { reapCandidate } from './reap';
import type { NodeId } from '../versioning/types';
import { drawBudget } from '../background/draw';
import { PeriodicTask } from '../background/periodic';

/** What the background controller will hand out: leave to sync `keys` keys now (same shape as HandoffPacer). */
export interface AntiEntropyPacer {
  budget(now: number): number;
  spend(count: number, now: number): void;
}

export interface AntiEntropyOptions {
  /** N */
  readonly replicas: number;
  /** ms per request to a peer */
  readonly requestTimeout: number;
  /** ms between rounds; 0: no rounds (the node still answers peers once its tree is built) */
  readonly intervalMs: number;
  /**
   * tombstone GC's grace period: a record dead that long is not copied to a replica that holds
   * nothing for its key (exchange.ts); default: never skipped
   */
  readonly tombstoneGraceMs?: number;
  /** keys synced per round at most; default 1000 */
  readonly maxKeysPerRound?: number;
  /** keys per AE_SYNC; default 64 */
  readonly batchKeys?: number;
  /** key summaries per AE_KEYS page; default 1024 */
  readonly pageKeys?: number;
  /** default: no pacing beyond maxKeysPerRound */
  readonly pacer?: AntiEntropyPacer;
  /** ms to wait when the pacer gives no budget; default 20 */
  readonly pauseMs?: number;
}

export interface AntiEntropyStats {
  /** exchanges completed */
  rounds: number;
  /** exchanges that failed (peer unreachable, timeout, bad reply) */
  rounds_failed: number;
  /** keys whose record changed on a peer through this node's exchanges */
  keys_pushed: number;
  /** keys whose record changed here through this node's exchanges */
  keys_pulled: number;
  /** duration of the last completed exchange, ms */
  last_round_ms: number;
  /** differing slots found by the last completed exchange */
  last_round_slots: number;
}

export class AntiEntropy {
  readonly tree: ReplicaTree;
  private readonly counters: AntiEntropyStats = { rounds: 0, rounds_failed: 0, keys_pushed: 0, keys_pulled: 0, last_round_ms: 0, last_round_slots: 0 };
  private readonly rounds: PeriodicTask;
  private next = 0;

  constructor(
    private readonly records: RecordStore,
    private readonly transport: Transport,
    private readonly view: ClusterView,
    private readonly clock: Clock,
    private readonly opts: AntiEntropyOptions,
    private readonly log: Logger,
  ) {
    this.tree = new ReplicaTree(records);
    this.rounds = new PeriodicTask(clock, opts.intervalMs > 0 ? opts.intervalMs : 1, () => this.runRound());
    registerAntiEntropyHandlers(transport, { tree: this.tree, records, self: view.self, ring: () => view.ring(), replicas: opts.replicas });
  }

  /** with a non-zero interval: build the tree (one scan of the store), then run rounds */
  async start(): Promise<void> {
    if (this.opts.intervalMs > 0) await this.enable(this.opts.intervalMs);
  }

  /** turn rounds on (building the tree first if it is not yet), or change their interval */
  async enable(intervalMs: number): Promise<void> {
    if (!(intervalMs > 0)) throw new RangeError('intervalMs must be > 0');
    if (!this.tree.ready) await this.tree.build();
    this.rounds.start(intervalMs);
  }

  /** no new round starts; waits for the one under way */
  stop(): Promise<void> {
    return this.rounds.stop();
  }

  /** rounds are running */
  get enabled(): boolean {
    return this.rounds.running;
  }

  stats(): AntiEntropyStats {
    return { ...this.counters };
  }

  /** one exchange with the next peer; null when there is none (tests call it directly) */
  async runRound(): Promise<ExchangeResult | null> {
    if (!this.tree.ready) await this.tree.build();
    const ring = this.view.ring();
    const peers = exchangePeers(ring, this.view.self, this.opts.replicas).filter((id) => this.view.isUp(id) && this.view.addressOf(id) !== undefined);
    if (peers.length === 0) return null;
    const peer = peers[this.next++ % peers.length] as NodeId;
    const started = this.clock.now();
    try {
      const result = await runExchange(
        this.transport,
        this.view.addressOf(peer) as string,
        this.opts.requestTimeout,
        this.tree,
        this.records,
        sharedPartitions(ring, this.view.self, peer, this.opts.replicas),
        {
          maxKeys: this.opts.maxKeysPerRound ?? 1000,
          batchKeys: Math.min(this.opts.batchKeys ?? 64, MAX_SYNC_KEYS),
          pageKeys: Math.min(this.opts.pageKeys ?? 1024, MAX_KEYS_PAGE),
        },
        (keys) => this.pace(keys),
        (rec) => this.opts.tombstoneGraceMs !== undefined && reapCandidate(rec, this.clock.now(), this.opts.tombstoneGraceMs),
      );
      this.view.reportSuccess(peer);
      const c = this.counters;
      c.rounds++;
      c.keys_pushed += result.pushed;
      c.keys_pulled += result.pulled;
      c.last_round_ms = this.clock.now() - started;
      c.last_round_slots = result.differingSlots;
      if (result.differingKeys > 0) this.log.debug({ peer, ...result }, 'anti-entropy exchange repaired keys');
      return result;
    } catch (err) {
      this.counters.rounds_failed++;
      this.log.debug({ peer, err: (err as Error).message }, 'anti-entropy exchange failed');
      throw err;
    }
  }

  private pace(keys: number): Promise<number> {
    return drawBudget(this.opts.pacer, this.clock, keys, () => this.rounds.stopped, this.opts.pauseMs);
  }
}

/** INFO `antientropy` fields, in Redis's "field:value" form */
export function antiEntropyInfoFields(stats: AntiEntropyStats, enabled: boolean): Array<[string, string | number]> {
  return [
    ['antientropy_enabled', enabled ? 1 : 0],
    ['antientropy_rounds', stats.rounds],
    ['antientropy_rounds_failed', stats.rounds_failed],
    ['antientropy_keys_pushed', stats.keys_pushed],
    ['antientropy_keys_pulled', stats.keys_pulled],
    ['antientropy_last_round_ms', stats.last_round_ms],
    ['antientropy_last_round_slots', stats.last_round_slots],
  ];
}
