/**
 * The quorum coordinator (Dynamo §4.5): any node accepts any request. A node among the first N
 * healthy nodes of the key's preference list coordinates it; any other node forwards it there
 * (one hop), so the coordinator holds a replica and plain SET/DEL see what they overwrite.
 * Writes: new version on the local replica, then to the other targets, answered at W acks.
 * Reads: all targets asked, answered at R replies with the merged siblings, then stale replicas
 * are repaired (read repair).
 */
import type { Logger } from 'pino';
import type { Keyspace, QuorumOverride, ScanPage } from './keyspace';
import type { ClusterView } from './cluster-view';
import type { RecordStore } from '../storage/record-store';
import type { Transport } from '../transport';
import { MessageType } from '../transport/message-type';
import { keySlot, partitionOf, preferenceList, preferenceListWithFallbacks, type PreferenceEntry, type Ring } from '../ring';
import { decodeRecord, encodeRecord, mergeAll, recordsEqual, visible } from '../versioning';
import { encodeContextBytes } from '../versioning/context-codec';
import type { NewVersion, NodeId, VersionVector, VRecord } from '../versioning/types';
import { fanout } from './fanout';
import { QuorumError } from './quorum-tally';
import { buf, pack, packVersion, unpackObject } from './messages';
import { SLOTS } from '../storage/keys';
import { coordinatorHints } from '../handoff/coordinator-hints';
import { ReplicaBatcher, type BatchSchedule } from './replica-batch';
import { REPLICA_READS, REPLICA_WRITES, type WriteRequest } from './replica-requests';
import type { Clock } from '../util/clock';

export interface CoordinatorOptions {
  readonly replicas: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly requestTimeout: number;
  /** distinct seed addresses and this node's own: the smallest the cluster can be */
  readonly minClusterSize?: number;
  /** the node's clock: forwarded requests carry a deadline in it, and a silent hop is PINGed on it */
  readonly clock?: Clock;
  /** when batched replica requests leave (default: at the end of the microtask run) */
  readonly batchSchedule?: BatchSchedule;
  /** the name new versions are signed with (default: this node's id; see node-epoch.ts) */
  readonly actor?: NodeId;
  /**
   * true while this node's own replica may lack writes the cluster acknowledged (just after a
   * restart): a plain write it coordinates then reads the key first (catchUp), as a stand-in's does
   */
  readonly mayBeStale?: () => boolean;
}

/** where a write that a target missed should go later (hinted handoff) */
export interface HintSink {
  add(target: NodeId, slot: number, key: Buffer): void;
  /** add(), resolving once the hint is kept (never rejects): a fallback keeps it before its copy */
  persisted(target: NodeId, slot: number, key: Buffer): Promise<void>;
}

export interface CoordinatorStats {
  readRepairs: number;
  forwarded: number;
}

const SCAN_WINDOW = 256;

/** transport errors that prove a request never reached the peer's handler */
const NOT_DELIVERED = new Set(['UNREACHABLE', 'AUTH_FAILED', 'OVERLOADED']);
/** answers of a node that did not run a forwarded command */
const NOT_RUN_REMOTELY = new Set(['EXPIRED', 'UNKNOWN_TYPE', 'NO_HANDLER']);

export class Coordinator implements Keyspace {
  readonly stats: CoordinatorStats = { readRepairs: 0, forwarded: 0 };
  /** per node, the forwarding hops waiting on it: given up at once when it is suspected */
  private readonly hops = new Map<NodeId, Set<() => void>>();
  /** the primaries of each partition (see targets), for one ring and N */
  private primaries: { ring: Ring; n: number; lists: Array<readonly PreferenceEntry[] | undefined> } | null = null;
  /** writes (reads) to one replica issued together leave as one request */
  private readonly replicaWrites: ReplicaBatcher<WriteRequest, void>;
  private readonly replicaReads: ReplicaBatcher<Buffer, Buffer>;

  constructor(
    private readonly view: ClusterView,
    private readonly records: RecordStore,
    private readonly transport: Transport,
    private readonly opts: CoordinatorOptions,
    private readonly log: Logger,
    private readonly hints: HintSink | null = null,
  ) {
    const request = (id: NodeId, type: MessageType, body: Buffer) => this.request(id, type, body);
    this.replicaWrites = new ReplicaBatcher(REPLICA_WRITES, request, opts.batchSchedule);
    this.replicaReads = new ReplicaBatcher(REPLICA_READS, request, opts.batchSchedule);
  }

  quorum(q?: QuorumOverride): { n: number; r: number; w: number } {
    // the cluster is at least as large as the seeds say: a node that restarted and has not heard
    // from its peers yet must not take a write alone as if it were a one-node cluster
    const size = Math.max(this.view.memberCount(), this.opts.minClusterSize ?? 1);
    const n = Math.max(1, Math.min(this.opts.replicas, size));
    return { n, r: Math.min(q?.r ?? this.opts.readQuorum, n), w: Math.min(q?.w ?? this.opts.writeQuorum, n) };
  }

  /**
   * The first N healthy nodes of the key's preference list, fallbacks tagged. Shared: not to be
   * changed. When every primary is up (nearly always) it is the primaries' list, kept per
   * partition until the ring changes, so a request allocates nothing here.
   */
  targets(slot: number, n: number): readonly PreferenceEntry[] {
    const ring = this.view.ring();
    const self = this.view.self;
    let memo = this.primaries;
    if (memo === null || memo.ring !== ring || memo.n !== n) memo = this.primaries = { ring, n, lists: [] };
    const partition = partitionOf(slot);
    const list = (memo.lists[partition] ??= preferenceList(ring, slot, n).map((id) => ({ id })));
    for (const e of list) {
      if (e.id !== self && !this.view.isUp(e.id)) {
        return preferenceListWithFallbacks(ring, slot, n, (id) => id === self || this.view.isUp(id));
      }
    }
    return list;
  }

  async read(key: Buffer, q?: QuorumOverride, forced = false): Promise<VRecord> {
    const slot = keySlot(key);
    const { n, r } = this.quorum(q);
    let targets = this.targets(slot, n);
    if (!forced && !targets.some((t) => t.id === this.view.self)) {
      const fwd = await this.forward(slot, n, MessageType.COORDINATE_READ, { k: key, r });
      if (fwd) return fwd;
      targets = this.targets(slot, n);
    }
    targets = this.withSuspects(targets, slot, n, r);
    if (targets.length === 1 && targets[0].id === this.view.self) return this.records.get(slot, key); // alone
    const res = await fanout('read', targets.map((t) => t.id), r, (id) => this.readReplica(id, slot, key), (id, err) => this.failed(id, err));
    void res.all.then((all) => this.repair(slot, key, all)).catch((err: unknown) => this.log.warn({ err }, 'read repair failed'));
    return mergeAll(res.answers.values());
  }

  async write(key: Buffer, ctx: VersionVector | null, v: NewVersion, q?: QuorumOverride, forced = false): Promise<VRecord> {
    const slot = keySlot(key);
    const { n, w } = this.quorum(q);
    let targets = this.targets(slot, n);
    const self = this.view.self;
    if (!forced && !targets.some((t) => t.id === self)) {
      // null: the coordinator's replica decides (plain SET); empty bytes: an empty context (VSET "")
      const c = ctx === null ? null : ctx.size === 0 ? Buffer.alloc(0) : encodeContextBytes(ctx);
      // an increment applied twice would count twice: it goes to one coordinator only
      const once = v.payload.kind === 'counter';
      const fwd = await this.forward(slot, n, MessageType.COORDINATE_WRITE, { k: key, c, v: packVersion(v), w }, once);
      if (fwd) return fwd;
      targets = this.targets(slot, n);
    }
    targets = this.withSuspects(targets, slot, n, w);
    const outsider = !targets.some((t) => t.id === self);
    if (this.hints !== null && (outsider || targets.length < n || targets.some((t) => t.fallbackFor !== undefined))) {
      // hints this coordinator keeps itself, before its copy: for the primary it stands in for,
      // and for primaries nobody stands in for (those that fail during the fan-out are hinted
      // below). A node asked to coordinate a key it does not hold (a forwarder saw it as a
      // fallback) keeps a copy no replica exchange reaches: it hints every primary.
      const primaries = preferenceList(this.view.ring(), slot, n);
      const hinted = outsider ? primaries : coordinatorHints(targets, primaries, self);
      const hints = this.hints;
      await Promise.all(hinted.map((id) => hints.persisted(id, slot, key)));
    }
    // an increment, and a plain write (SET, DEL) this node coordinates as a stand-in for a primary
    // that is down (or while its own replica may be behind): both are made from what its own
    // replica holds, which must first be current. Not a plain write forwarded here: its forwarder
    // may give up and send it to the next node while the read waits on a slow replica, and both
    // would apply it (an increment is never sent on: see forward).
    const standIn = ctx === null && !forced
      && (outsider || targets.some((t) => t.id === self && t.fallbackFor !== undefined) || this.opts.mayBeStale?.() === true);
    if (v.payload.kind === 'counter' || standIn) await this.catchUp(slot, key, targets, this.quorum(q).r);
    const { record: rec, stored, durable } = await this.records.coordinateStarted(slot, key, this.opts.actor ?? self, ctx, v);
    if (targets.length === 1 && targets[0].id === self) {
      await durable; // alone: no fan-out to set up
      return rec;
    }
    const body = stored ?? encodeRecord(rec);
    // the node each target holds the write for, when not for itself (fallbacks and stand-ins);
    // built only when there is one, as nearly every write goes to healthy primaries alone
    let hintOf = targets.some((t) => t.fallbackFor !== undefined) ? standsInFor(targets) : null;
    // the other replicas get the record while the local copy is being written; the local
    // replica acknowledges when its write is in the store
    const ask = (id: NodeId) => (id === self ? durable : this.writeReplica(id, key, body, hintOf?.get(id)));
    // a target that fails now is marked down, so the walk offers a healthy node in its place: it
    // takes the write with a hint for the node the failed one was to hold it for
    const substitute = (failed: NodeId): NodeId | null => {
      const known = (hintOf ??= standsInFor(targets));
      const sub = this.targets(slot, n).find((t) => !known.has(t.id));
      if (sub === undefined) return null;
      known.set(sub.id, known.get(failed) ?? failed);
      return sub.id;
    };
    await fanout('write', targets.map((t) => t.id), w, ask, (id, err, sub) => {
      this.failed(id, err);
      if (sub === null) this.hints?.add(hintOf?.get(id) ?? id, slot, key);
    }, substitute);
    return rec;
  }

  /**
   * Too few healthy nodes for the quorum: try the suspected primaries too rather than refuse, since
   * one missed reply is enough to suspect a peer (a lossy network must not make the store refuse
   * writes it could take). Fails before touching any replica only when the ring is too small.
   */
  private withSuspects(targets: readonly PreferenceEntry[], slot: number, n: number, needed: number): readonly PreferenceEntry[] {
    if (targets.length >= needed) return targets;
    const have = new Set(targets.map((t) => t.id));
    const more = preferenceList(this.view.ring(), slot, n).filter((id) => !have.has(id));
    const all = [...targets, ...more.map((id) => ({ id }))];
    if (all.length < needed) throw new QuorumError(`needed ${needed} replicas, the ring has ${all.length}`);
    return all;
  }

  localRecord(key: Buffer): Promise<VRecord> {
    return this.records.get(keySlot(key), key);
  }

  /** visible keys of the whole cluster: every node's replica of a window of slots, merged per key */
  async scan(cursor: number, count: number, now: number): Promise<ScanPage> {
    const keys: Buffer[] = [];
    let expires = 0;
    let ttlMs = 0;
    let slot = cursor;
    while (slot < SLOTS && keys.length < count) {
      const to = Math.min(SLOTS - 1, slot + SCAN_WINDOW - 1);
      const byKey = new Map<string, { key: Buffer; recs: VRecord[] }>();
      const ids = this.view.memberIds().filter((id) => id === this.view.self || this.view.isUp(id));
      await Promise.all(
        ids.map(async (id) => {
          for (const [key, rec] of await this.scanReplica(id, slot, to)) {
            const s = key.toString('latin1');
            const e = byKey.get(s) ?? { key, recs: [] };
            e.recs.push(rec);
            byKey.set(s, e);
          }
        }),
      );
      for (const e of [...byKey.values()].sort((a, b) => Buffer.compare(a.key, b.key))) {
        const top = visible(mergeAll(e.recs), now);
        if (top === null || top === undefined) continue;
        keys.push(e.key);
        if (top.expireAt !== null) {
          expires++;
          ttlMs += top.expireAt - now;
        }
      }
      slot = to + 1;
    }
    return { next: slot >= SLOTS ? 0 : slot, keys, expires, ttlMs };
  }

  private async scanReplica(id: NodeId, from: number, to: number): Promise<Array<[Buffer, VRecord]>> {
    if (id === this.view.self) {
      const out: Array<[Buffer, VRecord]> = [];
      for await (const r of this.records.scanSlots(from, to)) out.push([r.key, r.record]);
      return out;
    }
    try {
      const res = unpackObject(await this.request(id, MessageType.REPLICA_SCAN, pack({ f: from, t: to })));
      const ks = res.k;
      const rs = res.r;
      if (!Array.isArray(ks) || !Array.isArray(rs) || ks.length !== rs.length) throw new Error('bad scan reply');
      return ks.map((k, i) => [buf({ k }, 'k'), decodeRecord(buf({ r: rs[i] }, 'r'))]);
    } catch (err) {
      this.failed(id, err);
      return [];
    }
  }

  private async readReplica(id: NodeId, slot: number, key: Buffer): Promise<VRecord> {
    if (id === this.view.self) return this.records.get(slot, key);
    return decodeRecord(await this.replicaReads.send(id, key));
  }

  private writeReplica(id: NodeId, key: Buffer, record: Buffer, hintFor: NodeId | undefined): Promise<void> {
    return this.replicaWrites.send(id, { key, record, hintFor: hintFor ?? null });
  }

  private async request(id: NodeId, type: MessageType, body: Buffer, timeout = this.opts.requestTimeout): Promise<Buffer> {
    const address = this.view.addressOf(id);
    if (!address) throw Object.assign(new Error(`no address for ${id}`), { code: 'UNREACHABLE' });
    const res = await this.transport.request(address, type, body, timeout);
    this.view.reportSuccess(id);
    return res;
  }

  /**
   * A forwarding hop: the coordinator may take a whole request-timeout for its own replicas, so
   * the hop waits twice that; but a coordinator that has not answered after half a timeout is
   * PINGed, and one that does not answer the PING within another half (a stopped process, a dead
   * link) is given up on then: a silent node costs one request-timeout, not two. Once any request
   * to a node fails so that it is suspected, every hop still waiting on it is given up at once.
   */
  private hop(id: NodeId, type: MessageType, body: Buffer, timeout: number): Promise<Buffer> {
    const address = this.view.addressOf(id);
    if (!address) return Promise.reject(Object.assign(new Error(`no address for ${id}`), { code: 'UNREACHABLE' }));
    return new Promise<Buffer>((resolve, reject) => {
      let settled = false;
      const waiting = this.hops.get(id) ?? new Set<() => void>();
      this.hops.set(id, waiting);
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        cancel?.();
        waiting.delete(suspected);
        if (waiting.size === 0 && this.hops.get(id) === waiting) this.hops.delete(id);
        fn();
      };
      // not before the hop's deadline (half a timeout after sending): until then the target could
      // still take the request up, and the next coordinator would make the write a second version
      const clock = this.opts.clock;
      const sentAt = clock?.now() ?? 0;
      const giveUp = (): void => settle(() => reject(Object.assign(new Error(`${id} was suspected while coordinating`), { code: 'SUSPECTED' })));
      const suspected = (): void => {
        const wait = clock === undefined ? 0 : sentAt + timeout / 2 + 1 - clock.now();
        if (wait <= 0) giveUp();
        else clock?.setTimer(wait, giveUp);
      };
      waiting.add(suspected);
      const cancel = this.opts.clock?.setTimer(Math.max(1, timeout / 2), () => {
        this.transport.request(address, MessageType.PING, Buffer.alloc(0), Math.max(1, timeout / 2)).catch((err: unknown) => {
          const code = (err as { code?: string }).code;
          if (code === 'TIMEOUT') settle(() => reject(Object.assign(new Error(`${id} did not answer a PING while coordinating`), { code: 'TIMEOUT' })));
        });
      });
      this.request(id, type, body, 2 * timeout).then((res) => settle(() => resolve(res)), (err: unknown) => settle(() => reject(err)));
    });
  }

  private failed(id: NodeId, err: unknown): void {
    const code = (err as { code?: string }).code;
    if (code === 'TIMEOUT' || code === 'UNREACHABLE' || code === 'CLOSED' || code === 'AUTH_FAILED') {
      this.view.reportFailure(id);
      for (const giveUp of [...(this.hops.get(id) ?? [])]) giveUp();
    }
    this.log.debug({ peer: id, err: (err as Error).message }, 'replica request failed');
  }

  /** send the merged record to every replica that answered something else */
  /**
   * An increment is applied to what the coordinator's own replica holds (its counter entry grows
   * by the delta, under the key's order), so that replica must first hold what a quorum holds:
   * a node back from a crash, before handoff or anti-entropy reached it, still held a deleted
   * counter's old total, and an INCR through it answered 11 after `DEL` and `INCRBY 3` had been
   * acknowledged (the join keeps the larger entry, so the 3 was gone, and the deleted 10 back).
   * A plain SET or DEL replaces what the coordinator's replica holds: a node standing in for a
   * primary that is down usually holds nothing of the key, so its SET left the previous value as
   * a sibling of every later one (and its INCR started from 0 and superseded a SET 10).
   * It reads R replicas, as a read does, and merges the answer into its own. If fewer than R
   * answer, the write still goes ahead on what it has (always writable).
   */
  private async catchUp(slot: number, key: Buffer, targets: readonly PreferenceEntry[], r: number): Promise<void> {
    const self = this.view.self;
    if (r <= 1 && targets.some((t) => t.id === self)) return; // the own replica alone is a read quorum
    try {
      const res = await fanout('read', targets.map((t) => t.id), Math.min(r, targets.length), (id) => this.readReplica(id, slot, key), (id, err) => this.failed(id, err));
      const answers = [...res.answers.values()];
      if (answers.length > 0) await this.records.merge(slot, key, mergeAll(answers));
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'catch-up read failed: writing on what this replica holds');
    }
  }

  private async repair(slot: number, key: Buffer, all: Map<NodeId, VRecord>): Promise<void> {
    if (all.size < 2) return;
    const merged = mergeAll(all.values());
    // replicas nearly always agree: nothing to encode or send then
    let stale: Array<[NodeId, VRecord]> | null = null;
    for (const e of all) if (!recordsEqual(e[1], merged)) (stale ??= []).push(e);
    if (stale === null) return;
    const body = encodeRecord(merged);
    await Promise.all(
      stale.map(async ([id]) => {
        this.stats.readRepairs++;
        if (id === this.view.self) await this.records.merge(slot, key, merged);
        else await this.writeReplica(id, key, body, undefined).catch((err: unknown) => this.failed(id, err));
      }),
    );
  }

  /**
   * One hop to the first of the key's first N healthy nodes that answers; a NOQUORUM (or any error)
   * from it is final. Null when this node itself is among them once those that did not answer are
   * marked down (a sloppy quorum: it then coordinates); NOQUORUM when all were tried.
   *
   * A target that does not answer (a stopped process, a partition) is skipped for the next one, so
   * a write through a live node succeeds while the failure detector has not yet caught up. Each
   * hop carries a deadline: the target coordinates only if it takes the request up before the
   * deadline (half a request-timeout), and the forwarder gives up no sooner than a whole one, so a
   * stopped target that resumes later drops the old request instead of applying a write that was
   * given up on and coordinated elsewhere. (A target that is only slow may still coordinate it just in time and
   * its reply be lost: the value then exists as two versions, siblings with the same value, which
   * is Dynamo's outcome for a retried write too.) `once` (a counter increment, which must not
   * count twice): a hop that may have arrived is not retried elsewhere; the client is told the
   * outcome is unknown.
   */
  /**
   * A command that reads a key and then writes it (SET NX, APPEND, EXPIRE, ...) runs on the key's
   * first healthy replica, under that node's key lock, so the same command through two nodes does
   * not run twice on the same old value (two SET NX winners, an APPEND lost when the next one
   * kept one sibling). Null: this node is that replica and runs it. A target that cannot have
   * taken the request (unreachable, or it arrived past its deadline) is passed over for the next;
   * one that may have run it and did not answer fails the command (it must not run twice).
   */
  async atPrimary(key: Buffer, msg: object): Promise<Buffer | null> {
    const slot = keySlot(key);
    const { n } = this.quorum();
    const tried = new Set<NodeId>();
    const timeout = this.opts.requestTimeout;
    for (;;) {
      const t = this.targets(slot, n).find((x) => !tried.has(x.id));
      if (t === undefined || t.id === this.view.self) return null;
      tried.add(t.id);
      this.stats.forwarded++;
      try {
        const body = pack({ ...msg, d: this.opts.clock ? this.opts.clock.now() + timeout / 2 : null });
        // it reads and then writes: two quorum round trips, and the hop
        return await this.hop(t.id, MessageType.COORDINATE_COMMAND, body, 2 * timeout);
      } catch (err) {
        const e = err as { code?: string; remoteCode?: string; message: string };
        // not taken up: it came too late, or the node cannot run commands (an older version, or
        // one still starting): the next target, or this node, runs it
        if (e.code === 'REMOTE_ERROR' && NOT_RUN_REMOTELY.has(e.remoteCode ?? '')) continue;
        if (e.code === 'REMOTE_ERROR') throw err;
        this.failed(t.id, err);
        if (!NOT_DELIVERED.has(e.code ?? '')) {
          throw new QuorumError(`command forwarded to ${t.id}, the key's first replica, got no answer (${e.code ?? e.message}); it may or may not have been applied`);
        }
      }
    }
  }

  private async forward(slot: number, n: number, type: MessageType, msg: object, once = false): Promise<VRecord | null> {
    this.stats.forwarded++;
    const tried = new Map<NodeId, string>(); // node -> why it did not answer
    const timeout = this.opts.requestTimeout;
    for (;;) {
      const targets = this.targets(slot, n);
      if (targets.some((t) => t.id === this.view.self)) return null;
      const t = targets.find((x) => !tried.has(x.id));
      if (t === undefined) {
        const why = [...tried].map(([id, reason]) => `${id}: ${reason}`).join(', ');
        throw new QuorumError(`no coordinator for the key answered (${why || 'no targets'})`);
      }
      try {
        // the target must take the request up within half a timeout; the forwarder gives up no
        // sooner than a whole one (hop): the other half absorbs clock differences between nodes
        const body = pack({ ...msg, d: this.opts.clock ? this.opts.clock.now() + timeout / 2 : null });
        // the coordinator itself may wait a whole request-timeout for its replicas: give it that
        // and the hop, so a slow quorum comes back as its NOQUORUM, not as a dead coordinator
        const res = unpackObject(await this.hop(t.id, type, body, timeout));
        return decodeRecord(buf(res, 'r'));
      } catch (err) {
        const e = err as { code?: string; remoteCode?: string; message: string };
        if (e.code === 'REMOTE_ERROR' && e.remoteCode === 'EXPIRED') {
          // it arrived after its deadline and was not applied (a slow link, or clocks that differ
          // by more than half a timeout): the next coordinator can take it safely
          this.log.warn({ peer: t.id, err: e.message }, 'forwarded request expired on arrival; are the nodes\' clocks in sync?');
          tried.set(t.id, 'EXPIRED');
          continue;
        }
        if (e.code === 'REMOTE_ERROR') {
          if (e.remoteCode === 'NOQUORUM' || /NOQUORUM/.test(e.message)) throw new QuorumError(e.message.replace(/^.*?NOQUORUM /, ''));
          throw err;
        }
        this.failed(t.id, err);
        tried.set(t.id, e.code ?? e.message);
        if (once && !NOT_DELIVERED.has(e.code ?? '')) {
          throw new QuorumError(`write forwarded to ${t.id} got no answer (${e.code ?? e.message}); it may or may not have been applied`);
        }
      }
    }
  }
}

/** each target's node it holds a write for, when not for itself (a fallback's primary) */
function standsInFor(targets: readonly PreferenceEntry[]): Map<NodeId, NodeId | undefined> {
  return new Map(targets.map((t) => [t.id, t.fallbackFor]));
}
