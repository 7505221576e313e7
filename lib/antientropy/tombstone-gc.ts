/**
 * Tombstone GC (DESIGN §5: tombstones reaped before every replica has them resurrect deleted
 * keys). Every `intervalMs` the node walks the next window of its slots for dead records whose
 * siblings all died at least `graceMs` ago (reap.ts), and for each batch of them asks EVERY other
 * member, with one GC_CHECK each, for its record of those keys and whether it keeps a hint for
 * them. A record is dropped only when all members answered, none keeps a hint, this node keeps
 * none, and each member holds nothing or a dead record that has seen all of this one
 * (peerAllowsReap); a member that is down or does not answer blocks the batch until a later
 * sweep. A member whose answer shows it lacks the delete while this record has seen everything it
 * holds (a replica that missed the delete, or a fallback's leftover copy of a write it coordinated,
 * which no anti-entropy exchange reaches) is sent the record at once, as a replica write: merging
 * it replaces exactly what the delete replaced, so the next sweep can reap. Each node reaps its
 * own copy; a copy that anti-entropy brings back meanwhile is reaped again on a later sweep. Work
 * is drawn from the background budget (one unit per key checked).
 *
 * What grace cannot cover: a node that comes back with data older than the grace period (restored
 * from a backup, or down longer than it) can bring a reaped key's old value back, as with
 * Cassandra's gc_grace_seconds; keep `tombstone-grace` above the longest outage you repair.
 */
import type { Logger } from 'pino';
import type { ClusterView } from '../coordinator/cluster-view';
import { pack, unpackObject } from '../coordinator/messages';
import { keySlot } from '../ring';
import { SLOTS } from '../storage/keys';
import type { RecordStore, SlotKeyRecord } from '../storage/record-store';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import type { Clock } from '../util/clock';
import { decodeRecord, encodeRecord } from '../versioning';
import type { VRecord } from '../versioning/types';
import type { AntiEntropyPacer } from './anti-entropy';
import { AntiEntropyError } from './errors';
import { bufList } from './messages';
import { vvDescends } from '../versioning/vv';
import { peerAllowsReap, reapCandidate } from './reap';
import { drawBudget } from '../background/draw';
import { PeriodicTask } from '../background/periodic';

/** the hint lookup GC needs (HintStore) */
export interface HintLookup {
  pendingFor(slot: number, key: Buffer): Promise<boolean>;
}

export interface TombstoneGcOptions {
  /** ms a record must have been dead before it may be reaped */
  readonly graceMs: number;
  /** ms between sweeps of a window of slots; 0: no sweeps (the node still answers GC_CHECK) */
  readonly intervalMs: number;
  readonly requestTimeout: number;
  /** slots walked per sweep; default 1024 (a whole store every 16 sweeps) */
  readonly slotsPerSweep?: number;
  /** keys per GC_CHECK; default 128 */
  readonly batchKeys?: number;
  readonly pacer?: AntiEntropyPacer;
  /** the name this node signs new versions with (default: its id): reaping raises its dot floor */
  readonly actor?: string;
}

export interface TombstoneGcStats {
  /** sweeps completed */
  gc_sweeps: number;
  /** records dropped */
  tombstones_reaped: number;
  /** candidates kept because a member was down, did not answer, kept a hint or lacked the delete */
  tombstones_kept: number;
  /** deletes sent to members that lacked them (their copies held the GC back) */
  tombstones_sent: number;
}

const MAX_CHECK_KEYS = 512;

export class TombstoneGc {
  private readonly counters: TombstoneGcStats = { gc_sweeps: 0, tombstones_reaped: 0, tombstones_kept: 0, tombstones_sent: 0 };
  private cursor = 0;
  private readonly sweeps: PeriodicTask;

  constructor(
    private readonly records: RecordStore,
    private readonly transport: Transport,
    private readonly view: ClusterView,
    private readonly hints: HintLookup | null,
    private readonly clock: Clock,
    private readonly opts: TombstoneGcOptions,
    private readonly log: Logger,
  ) {
    transport.handle(MessageType.GC_CHECK, (body) => this.answer(body));
    this.sweeps = new PeriodicTask(clock, opts.intervalMs > 0 ? opts.intervalMs : 1, () => this.runSweep(),
      (err) => this.log.warn({ err }, 'tombstone GC sweep failed'));
  }

  start(): void {
    if (this.opts.intervalMs > 0 && !this.sweeps.running) this.sweeps.start();
  }

  stop(): Promise<void> {
    return this.sweeps.stop();
  }

  stats(): TombstoneGcStats {
    return { ...this.counters };
  }

  /** one window of slots (tests call it directly); resolves with the records reaped */
  async runSweep(): Promise<number> {
    const from = this.cursor;
    const to = Math.min(SLOTS - 1, from + (this.opts.slotsPerSweep ?? 1024) - 1);
    this.cursor = to + 1 >= SLOTS ? 0 : to + 1;
    const batchKeys = Math.min(this.opts.batchKeys ?? 128, MAX_CHECK_KEYS);
    let batch: SlotKeyRecord[] = [];
    let reaped = 0;
    const now = this.clock.now();
    for await (const r of this.records.scanSlots(from, to)) {
      if (!reapCandidate(r.record, now, this.opts.graceMs)) continue;
      batch.push(r);
      if (batch.length >= batchKeys) {
        reaped += await this.checkAndReap(batch);
        batch = [];
      }
    }
    if (batch.length > 0) reaped += await this.checkAndReap(batch);
    this.counters.gc_sweeps++;
    return reaped;
  }

  /** the batch in pieces as the budget grants them */
  private async checkAndReap(all: readonly SlotKeyRecord[]): Promise<number> {
    let reaped = 0;
    for (let i = 0; i < all.length; ) {
      const granted = await this.pace(all.length - i);
      if (granted <= 0) break;
      reaped += await this.checkPiece(all.slice(i, i + granted));
      i += granted;
    }
    return reaped;
  }

  private async checkPiece(batch: readonly SlotKeyRecord[]): Promise<number> {
    const peers = this.view.memberIds().filter((id) => id !== this.view.self);
    let answers: Array<{ records: VRecord[]; hinted: boolean[] }>;
    try {
      if (peers.some((id) => !this.view.isUp(id))) throw new AntiEntropyError('GC_MEMBER_DOWN', 'a member is down');
      const body = pack({ k: batch.map((b) => b.key) });
      answers = await Promise.all(peers.map((id) => this.ask(id, body, batch.length)));
    } catch (err) {
      this.counters.tombstones_kept += batch.length;
      this.log.debug({ err: (err as Error).message, keys: batch.length }, 'tombstone GC check incomplete; keeping the batch');
      return 0;
    }
    const now = this.clock.now();
    let reaped = 0;
    const sends: Array<Promise<void>> = [];
    for (const [i, r] of batch.entries()) {
      const allow = answers.every((a) => !a.hinted[i] && peerAllowsReap(a.records[i]!, r.record, now));
      if (allow && !(await this.hints?.pendingFor(r.slot, r.key)) && (await this.records.reap(r.slot, r.key, r.record, this.opts.actor ?? this.view.self))) {
        reaped++;
        continue;
      }
      this.counters.tombstones_kept++;
      for (const [j, a] of answers.entries()) {
        const theirs = a.records[i]!;
        if (!a.hinted[i] && !peerAllowsReap(theirs, r.record, now) && vvDescends(r.record.vv, theirs.vv)) sends.push(this.send(peers[j]!, r));
      }
    }
    await Promise.all(sends);
    this.counters.tombstones_reaped += reaped;
    return reaped;
  }

  /** the dead record to a member whose copy it has seen all of (a later sweep may then reap) */
  private async send(id: string, r: SlotKeyRecord): Promise<void> {
    const address = this.view.addressOf(id);
    if (address === undefined) return;
    try {
      await this.transport.request(address, MessageType.REPLICA_WRITE, pack({ k: r.key, r: encodeRecord(r.record) }), this.opts.requestTimeout);
      this.counters.tombstones_sent++;
    } catch (err) {
      this.log.debug({ peer: id, err: (err as Error).message }, 'tombstone GC could not send a delete');
    }
  }

  private async ask(id: string, body: Buffer, count: number): Promise<{ records: VRecord[]; hinted: boolean[] }> {
    const address = this.view.addressOf(id);
    if (address === undefined) throw new AntiEntropyError('GC_MEMBER_DOWN', `no address for ${id}`);
    const m = unpackObject(await this.transport.request(address, MessageType.GC_CHECK, body, this.opts.requestTimeout));
    const recs = bufList(m, 'r', MAX_CHECK_KEYS);
    const hinted = m.h;
    if (recs.length !== count || !Array.isArray(hinted) || hinted.length !== count || !hinted.every((h) => typeof h === 'boolean')) {
      throw new AntiEntropyError('AE_BAD_REPLY', `GC_CHECK reply from ${id} does not match the ${count} keys asked`);
    }
    return { records: recs.map((b) => decodeRecord(b)), hinted: hinted as boolean[] };
  }

  private async answer(body: Buffer): Promise<Buffer> {
    const keys = bufList(unpackObject(body), 'k', MAX_CHECK_KEYS);
    const r: Buffer[] = [];
    const h: boolean[] = [];
    for (const key of keys) {
      const slot = keySlot(key);
      r.push(encodeRecord(await this.records.get(slot, key)));
      h.push((await this.hints?.pendingFor(slot, key)) ?? false);
    }
    return pack({ r, h });
  }

  private pace(keys: number): Promise<number> {
    return drawBudget(this.opts.pacer, this.clock, keys, () => this.sweeps.stopped);
  }
}

/** INFO `antientropy` fields of the GC */
export function tombstoneGcInfoFields(s: TombstoneGcStats): Array<[string, number]> {
  return [
    ['gc_sweeps', s.gc_sweeps],
    ['tombstones_reaped', s.tombstones_reaped],
    ['tombstones_kept', s.tombstones_kept],
    ['tombstones_sent', s.tombstones_sent],
  ];
}
