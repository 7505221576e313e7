/**
 * Durable hints (Dynamo §4.6): "this node holds a write that `target` missed for (slot, key)",
 * kept in the node's Store under NS_HINT (layout in hint-key.ts) so they survive a restart. The
 * data is not copied: a hint names the key, and delivery sends the node's own record of it.
 *
 * Cost and durability: add() returns at once and never slows the write path. The hint is looked
 * up (so a repeated hint is counted once) and then written with the store's per-tick batching,
 * as durable as any write under the node's fsync policy. A replica's ack and a coordinator's
 * reply do not wait for it: a crash within that window (a tick, plus the fsync interval) loses
 * the hint but not the data, which this node still holds; anti-entropy repairs the target then.
 *
 * Bounds: at most `maxHintsPerTarget` per target and `maxHints` in all (counts are rebuilt from
 * the store by load()). A hint that does not fit is counted in `dropped`, logged, and left to
 * anti-entropy.
 */
import type { Logger } from 'pino';
import type { HintSink } from '../coordinator/coordinator';
import type { Store } from '../storage/store';
import type { NodeId } from '../versioning/types';
import { allHintsRange, hintKey, hintValue, parseHintKey, targetRange, type HintAddress } from './hint-key';

export interface HintLimits {
  readonly maxHints: number;
  readonly maxHintsPerTarget: number;
}

/** one stored hint, as a page of delivery sees it */
export interface Hint extends HintAddress {
  /** its key in the Store */
  readonly storeKey: Buffer;
}

export interface HintStats {
  /** hints stored now */
  readonly pending: number;
  readonly perTarget: ReadonlyMap<NodeId, number>;
  /** hints deleted after their destinations acknowledged (since start) */
  readonly delivered: number;
  /** hints refused by the bounds, or whose write failed (since start) */
  readonly dropped: number;
}

export class HintStore implements HintSink {
  private readonly counts = new Map<NodeId, number>();
  private total = 0;
  private delivered = 0;
  private dropped = 0;
  private ready: Promise<void> | null = null;
  /** store keys (latin1) of hints being added, so one hint is looked up once at a time */
  private readonly adding = new Map<string, Promise<void>>();
  /** store keys (latin1) of hints being delivered → re-hinted meanwhile (keep it afterwards) */
  private readonly claimed = new Map<string, { dirty: boolean }>();
  private readonly inFlight = new Set<Promise<void>>();
  /** targets whose drops were logged, until they fit again */
  private readonly dropWarned = new Set<NodeId>();

  constructor(
    private readonly store: Store,
    private readonly self: NodeId,
    private limits: HintLimits,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** counts the stored hints per target (the store must be open); idempotent */
  load(): Promise<void> {
    this.ready ??= this.scan();
    return this.ready;
  }

  setLimits(limits: HintLimits): void {
    this.limits = limits;
  }

  /** remember that `target` missed the write of (slot, key); never throws, never waits */
  add(target: NodeId, slot: number, key: Buffer): void {
    void this.persisted(target, slot, key);
  }

  /**
   * add(), resolving once the hint is in the store (or dropped; never rejects). A fallback keeps
   * the hint BEFORE it writes the copy it holds for `target`: a crash between the two then leaves
   * a hint whose delivery sends what the node has, never a copy that no hint will ever move.
   */
  persisted(target: NodeId, slot: number, key: Buffer): Promise<void> {
    if (target === this.self) return Promise.resolve();
    let storeKey: Buffer;
    try {
      storeKey = hintKey(target, slot, key);
    } catch (err) {
      this.drop(target, (err as Error).message);
      return Promise.resolve();
    }
    const name = storeKey.toString('latin1');
    const claim = this.claimed.get(name);
    if (claim !== undefined) {
      claim.dirty = true; // the delivery under way may have read the record before this write
      return Promise.resolve(); // and the hint is in the store until it completes
    }
    const adding = this.adding.get(name);
    if (adding !== undefined) return adding;
    const p: Promise<void> = this.persist(target, storeKey).finally(() => {
      this.adding.delete(name);
      this.inFlight.delete(p);
    });
    this.adding.set(name, p);
    this.inFlight.add(p);
    return p;
  }

  /** resolves once every add() issued so far is in the store (or dropped) */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** targets with hints, in id order */
  targets(): NodeId[] {
    return [...this.counts.keys()].sort();
  }

  count(target: NodeId): number {
    return this.counts.get(target) ?? 0;
  }

  /** some target has a hint for (slot, key), or one is being added or delivered (tombstone GC) */
  async pendingFor(slot: number, key: Buffer): Promise<boolean> {
    await this.load();
    for (const name of [...this.adding.keys(), ...this.claimed.keys()]) {
      const h = parseHintKey(Buffer.from(name, 'latin1'));
      if (h.slot === slot && h.key.equals(key)) return true;
    }
    for (const target of this.counts.keys()) {
      if ((await this.store.get(hintKey(target, slot, key))) !== undefined) return true;
    }
    return false;
  }

  /** up to `limit` hints of the target, in key order, after the hint key `after` */
  async page(target: NodeId, after: Buffer | null, limit: number): Promise<Hint[]> {
    await this.load();
    const out: Hint[] = [];
    for await (const [k] of this.store.range({ ...targetRange(target, after), limit })) {
      out.push({ ...parseHintKey(k), storeKey: k });
    }
    return out;
  }

  /** a delivery starts: a hint added for the same key from now on is kept after it */
  claim(h: Hint): void {
    this.claimed.set(h.storeKey.toString('latin1'), { dirty: false });
  }

  /**
   * A delivery ended. When `acknowledged` and no write re-hinted the key meanwhile, the hint is
   * deleted (and counted as delivered); otherwise it stays for a later round. True if deleted.
   */
  async complete(h: Hint, acknowledged: boolean): Promise<boolean> {
    const name = h.storeKey.toString('latin1');
    const claim = this.claimed.get(name);
    this.claimed.delete(name);
    if (!acknowledged || claim?.dirty === true) return false;
    this.dec(h.target);
    this.delivered++;
    await this.store.write([{ type: 'del', key: h.storeKey }]);
    return true;
  }

  stats(): HintStats {
    return { pending: this.total, perTarget: new Map(this.counts), delivered: this.delivered, dropped: this.dropped };
  }

  private async persist(target: NodeId, storeKey: Buffer): Promise<void> {
    try {
      await this.load();
      if ((await this.store.get(storeKey)) !== undefined) return;
      const count = this.count(target);
      if (this.total >= this.limits.maxHints || count >= this.limits.maxHintsPerTarget) {
        this.drop(target, count >= this.limits.maxHintsPerTarget ? 'max-hints-per-target reached' : 'max-hints reached');
        return;
      }
      this.dropWarned.delete(target);
      this.counts.set(target, count + 1);
      this.total++;
      try {
        await this.store.write([{ type: 'put', key: storeKey, value: hintValue(this.now()) }]);
      } catch (err) {
        this.dec(target);
        throw err;
      }
    } catch (err) {
      this.drop(target, (err as Error).message);
    }
  }

  private drop(target: NodeId, reason: string): void {
    this.dropped++;
    if (this.dropWarned.has(target)) return;
    this.dropWarned.add(target);
    this.log.warn({ target, reason, dropped: this.dropped }, 'hint not kept: left to anti-entropy');
  }

  private dec(target: NodeId): void {
    const n = this.count(target) - 1;
    if (n > 0) this.counts.set(target, n);
    else this.counts.delete(target);
    this.total--;
  }

  private async scan(): Promise<void> {
    let malformed = 0;
    for await (const [k] of this.store.range(allHintsRange())) {
      let target: NodeId;
      try {
        target = parseHintKey(k).target;
      } catch {
        malformed++;
        continue;
      }
      this.counts.set(target, this.count(target) + 1);
      this.total++;
    }
    if (malformed > 0) this.log.warn({ malformed }, 'hint keys that do not parse were skipped');
    if (this.total > 0) this.log.info({ hints: this.total, targets: this.counts.size }, 'pending hints loaded');
  }
}
