/**
 * The handoff driver: every `intervalMs` (on the injected Clock), for each target that has hints,
 * one target at a time: if the target is on the ring it must look up (ClusterView.isUp) and
 * answer a PING probe; then its hints are read page by page, and for each hint the node's own
 * record of the key is sent as a plain REPLICA_WRITE (no `h`) with at most `inFlight` requests
 * out, paced by a HandoffPacer. A hint is deleted only after every destination acknowledged.
 *
 * Destinations: the target, while it is among the key's first N on the current ring. When the
 * ring changed and it no longer is (or left the ring), the key's current preference list (but
 * this node) instead; the hint is deleted once they all acknowledged.
 *
 * A fallback lets its copy go once it has been delivered (Dynamo §4.6: "D may delete the object
 * from its local store"): when the node is not among the key's first N on the current ring, no
 * hint for the key is left on it (for any target, stored, being added or being delivered), the
 * record is still the one every destination acknowledged (RecordStore.reap compares), and this
 * node never coordinated a write to the key (its actor has no entry in the record's version
 * vector). That last condition matters: a version vector counts a node's writes to a key
 * contiguously, so a node that forgot its own dots would give its next write a vector claiming
 * to have seen them, and replicas merging that write would drop those versions as superseded.
 * A node that coordinated a write to the key keeps its copy, as a preference-list node does.
 */
import type { Logger } from 'pino';
import type { ClusterView } from '../coordinator/cluster-view';
import { pack } from '../coordinator/messages';
import { preferenceList } from '../ring';
import { isStorageError } from '../storage/errors';
import type { RecordStore } from '../storage/record-store';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import type { CancelTimer, Clock } from '../util/clock';
import { encodeRecord } from '../versioning';
import { vvGet } from '../versioning/vv';
import type { NodeId, VRecord } from '../versioning/types';
import type { Hint, HintStore } from './hint-store';
import type { HandoffPacer } from './pacer';
import { runWorkers } from '../util/worker-pool';

export interface HintDeliveryOptions {
  /** N: a key's preference list is its first N nodes (capped at the ring size) */
  readonly replicas: number;
  /** ms to wait for a target's reply */
  readonly requestTimeout: number;
  /** ms between delivery rounds; default 1000 */
  readonly intervalMs?: number;
  /** hints read per page; default 64 */
  readonly pageSize?: number;
  /** records in flight to one target; default 8 */
  readonly inFlight?: number;
  /** ms to wait when the pacer gives no budget; default 20 */
  readonly pauseMs?: number;
  /** the name this node's new versions carry (its epoch's actor); default the node id */
  readonly actor?: string;
}

type Outcome = 'delivered' | 'kept' | 'target-failed';

export class HintDelivery {
  private running = false;
  private timer: CancelTimer | null = null;
  private round: Promise<void> | null = null;
  private readonly wakers = new Set<() => void>();
  private readonly intervalMs: number;
  private readonly pageSize: number;
  private readonly inFlight: number;
  private readonly pauseMs: number;
  private released = 0;

  constructor(
    private readonly hints: HintStore,
    private readonly records: RecordStore,
    private readonly transport: Transport,
    private readonly view: ClusterView,
    private readonly clock: Clock,
    private readonly pacer: HandoffPacer,
    private readonly opts: HintDeliveryOptions,
    private readonly log: Logger,
  ) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.pageSize = opts.pageSize ?? 64;
    this.inFlight = opts.inFlight ?? 8;
    this.pauseMs = opts.pauseMs ?? 20;
  }

  /** copies this node dropped after delivering their hints (since start) */
  get releasedCount(): number {
    return this.released;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** no new round starts; the round under way stops after the records it has in flight */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    this.timer = null;
    for (const wake of [...this.wakers]) wake();
    await this.round;
  }

  /** one pass over every target with hints (what each timer tick runs) */
  async runOnce(): Promise<void> {
    for (const target of this.hints.targets()) {
      if (!this.running) return;
      await this.deliverTarget(target);
    }
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(this.intervalMs, () => {
      this.timer = null;
      this.round = this.runOnce()
        .catch((err: unknown) => {
          if (isStorageError(err, 'STORE_NOT_OPEN')) {
            this.running = false; // the node is going down
            return;
          }
          this.log.warn({ err: (err as Error).message }, 'handoff round failed');
        })
        .finally(() => {
          this.round = null;
          if (this.running) this.schedule();
        });
    });
  }

  private async deliverTarget(target: NodeId): Promise<void> {
    if (target === this.view.self) return this.discardAll(target);
    const onRing = this.view.memberIds().includes(target);
    if (onRing && !(this.view.isUp(target) && (await this.probe(target)))) return;
    let after: Buffer | null = null;
    let sent = 0;
    let kept = 0;
    let delivered = 0;
    while (this.running) {
      const page = await this.hints.page(target, after, this.pageSize);
      if (page.length === 0) break;
      after = page[page.length - 1]!.storeKey;
      // a target that failed (or a stop) ends the round for this target
      const run = await runWorkers(page, this.inFlight, () => this.paced(), async (h) => {
        sent++;
        const outcome = await this.deliverOne(h);
        if (outcome === 'delivered') delivered++;
        else kept++;
        return outcome !== 'target-failed';
      });
      if (run.stopped) break;
    }
    if (sent > 0) this.log.info({ target, sent, delivered, kept, left: this.hints.count(target) }, 'handoff to target');
  }

  private async deliverOne(h: Hint): Promise<Outcome> {
    this.hints.claim(h);
    let acked = false;
    let sent: VRecord | null = null;
    try {
      const dests = this.destinations(h);
      // none: this node has not yet heard of the target or of the key's owners (just restarted):
      // a delivery to nobody must not count as acknowledged
      if (dests.length === 0) return 'kept';
      const toTarget = dests.length === 1 && dests[0] === h.target;
      if (dests.some((id) => !this.view.isUp(id))) return toTarget ? 'target-failed' : 'kept';
      sent = await this.records.get(h.slot, h.key);
      const body = pack({ k: h.key, r: encodeRecord(sent) });
      const results = await Promise.all(dests.map((id) => this.send(id, body)));
      acked = results.every(Boolean);
      if (!acked) return toTarget ? 'target-failed' : 'kept';
    } finally {
      // on every path, so a claim never outlives its delivery; deletes the hint only if acked
      acked = await this.hints.complete(h, acked);
    }
    if (acked && sent !== null) await this.release(h, sent);
    return acked ? 'delivered' : 'kept';
  }

  /** a fallback's copy, delivered: dropped if this node does not hold the key and no hint needs it */
  private async release(h: Hint, sent: VRecord): Promise<void> {
    if (sent.siblings.length === 0 && sent.vv.size === 0) return; // nothing stored
    const actor = this.opts.actor ?? this.view.self;
    if (vvGet(sent.vv, actor) > 0) return; // its own dots: see the header
    if (this.preference(h.slot).includes(this.view.self)) return;
    if (await this.hints.pendingFor(h.slot, h.key)) return;
    if (await this.records.reap(h.slot, h.key, sent, actor)) this.released++;
  }

  /**
   * The target while it is a preference-list node for the key; else, once this node knows the
   * target (it left, or the ring moved on), the key's current list. Nobody while the target is
   * unknown here (a node that restarted and has not heard from the cluster yet).
   */
  private destinations(h: Hint): NodeId[] {
    const pref = this.preference(h.slot);
    if (pref.includes(h.target)) return [h.target];
    if (!this.view.knows(h.target)) return [];
    return pref.filter((id) => id !== this.view.self);
  }

  /** the slot's first N nodes on the current ring (N capped at the ring size) */
  private preference(slot: number): NodeId[] {
    const ring = this.view.ring();
    return preferenceList(ring, slot, Math.max(1, Math.min(this.opts.replicas, ring.members.length)));
  }

  private async send(id: NodeId, body: Buffer): Promise<boolean> {
    const address = this.view.addressOf(id);
    if (address === undefined) return false;
    try {
      await this.transport.request(address, MessageType.REPLICA_WRITE, body, this.opts.requestTimeout);
      this.view.reportSuccess(id);
      return true;
    } catch (err) {
      this.failed(id, err);
      return false;
    }
  }

  private async probe(target: NodeId): Promise<boolean> {
    const address = this.view.addressOf(target);
    if (address === undefined) return false;
    try {
      await this.transport.request(address, MessageType.PING, Buffer.alloc(0), this.opts.requestTimeout);
      this.view.reportSuccess(target);
      return true;
    } catch (err) {
      this.failed(target, err);
      return false;
    }
  }

  private failed(id: NodeId, err: unknown): void {
    const code = (err as { code?: string }).code;
    if (code === 'TIMEOUT' || code === 'UNREACHABLE' || code === 'CLOSED' || code === 'AUTH_FAILED') this.view.reportFailure(id);
    this.log.debug({ peer: id, err: (err as Error).message }, 'handoff request failed');
  }

  /** waits (on the clock) until the pacer allows one more record, then spends it; false once stopped */
  private async paced(): Promise<boolean> {
    while (this.running && this.pacer.budget(this.clock.now()) < 1) await this.pause();
    if (!this.running) return false;
    this.pacer.spend(1, this.clock.now());
    return true;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        cancel();
        this.wakers.delete(wake);
        resolve();
      };
      const cancel = this.clock.setTimer(this.pauseMs, wake);
      this.wakers.add(wake);
    });
  }

  /** hints naming this node itself (never written by add): nothing to deliver */
  private async discardAll(target: NodeId): Promise<void> {
    for (const h of await this.hints.page(target, null, this.pageSize)) {
      this.hints.claim(h);
      await this.hints.complete(h, true);
    }
  }
}
