/**
 * A whole cluster in one process: N ClusterMembers on one MemoryNetwork, one ManualClock and
 * seeded randomness (mulberry32), each with its own MemoryStore. Nothing reads real time or
 * Math.random, so a scenario replays exactly for a seed; `traceDigest()` summarises every
 * message sent (time, ends, type, body) to prove it.
 */
import { createHash } from 'node:crypto';
import pino from 'pino';
import { ClusterMember, type ClusterMemberOptions } from '../../lib/cluster-member';
import type { Coordinator } from '../../lib/coordinator/coordinator';
import { keySlot, preferenceList } from '../../lib/ring';
import { MemoryStore } from '../../lib/storage/memory-store';
import { versionActor } from '../../lib/node-epoch';
import { MemoryNetwork } from '../../lib/transport/memory-network';
import { ManualClock } from '../../lib/util/manual-clock';
import { mulberry32, type Rng } from '../../lib/util/rng';
import type { NodeId, VRecord } from '../../lib/versioning/types';

export interface SimClusterOptions {
  readonly nodes: number;
  readonly seed: number;
  readonly replicas?: number;
  readonly readQuorum?: number;
  readonly writeQuorum?: number;
  /** ms a coordinator (and gossip) waits for a reply; default 200 */
  readonly requestTimeout?: number;
  /** zone of node i is zones[i % zones.length]; default one zone */
  readonly zones?: readonly string[];
  readonly gossipIntervalMs?: number;
  readonly vnodesPerWeight?: number;
  /** default true */
  readonly hintedHandoff?: boolean;
  /** ms a dead record is kept before tombstone GC may reap it; default 1 hour */
  readonly tombstoneGraceMs?: number;
  /** ms between anti-entropy rounds; default 0 (off) */
  readonly antiEntropyInterval?: number;
  /** ms between syncs of every running node's store, as `fsync everysec` does; default 0 (never) */
  readonly syncEveryMs?: number;
  /**
   * after an OS crash a node signs new versions `<id>@<epoch>` (lib/node-epoch.ts); default true.
   * false shows what the epochs prevent.
   */
  readonly epochs?: boolean;
}

/** what run() throws when a promise does not settle within its cap of simulated time */
export class SimTimeoutError extends Error {
  readonly code = 'SIM_TIMEOUT';
}

interface Slot {
  member: ClusterMember;
  store: MemoryStore;
  /** the store a crash left behind, until restart */
  disk: MemoryStore | null;
  /** operating-system crashes so far: the node's version epoch */
  epoch: number;
}

const START_TIME = 1_700_000_000_000;
const STEP_MS = 5;

export class SimCluster {
  readonly clock = new ManualClock(START_TIME);
  readonly network: MemoryNetwork;
  readonly ids: readonly NodeId[];
  /** the test's own randomness (keys, values, choices), separate from the nodes' */
  readonly rng: Rng;
  private readonly slots: Slot[] = [];
  private readonly memberOpts: ClusterMemberOptions[] = [];
  private readonly log = pino({ level: 'silent' });
  private traceHash = createHash('sha256');
  private traceCount = 0;
  private stopped = false;

  private constructor(readonly opts: SimClusterOptions) {
    this.rng = mulberry32(opts.seed ^ 0x5eed);
    this.network = new MemoryNetwork({ clock: this.clock, rng: mulberry32(opts.seed) });
    this.ids = Array.from({ length: opts.nodes }, (_, i) => `n${i}`);
    this.network.onMessage((m) => {
      this.traceCount++;
      this.traceHash.update(`${this.clock.now()} ${m.from}>${m.to} ${m.type}.${m.kind}#${m.requestId} `);
      this.traceHash.update(m.body);
    });
  }

  static async start(opts: SimClusterOptions): Promise<SimCluster> {
    const c = new SimCluster(opts);
    const addresses = c.ids.map((_, i) => c.address(i));
    for (let i = 0; i < opts.nodes; i++) {
      c.memberOpts.push({
        self: { id: c.ids[i]!, address: addresses[i]!, respHost: '127.0.0.1', respPort: 7001 + i, zone: opts.zones?.[i % opts.zones.length] ?? 'default', weight: 1 },
        seeds: addresses.filter((a) => a !== addresses[i]),
        replicas: opts.replicas ?? 3,
        readQuorum: opts.readQuorum ?? 2,
        writeQuorum: opts.writeQuorum ?? 2,
        requestTimeout: opts.requestTimeout ?? 200,
        vnodesPerWeight: opts.vnodesPerWeight ?? 16,
        gossipIntervalMs: opts.gossipIntervalMs ?? 100,
        hintedHandoff: opts.hintedHandoff ?? true,
        tombstoneGraceMs: opts.tombstoneGraceMs,
        antiEntropyInterval: opts.antiEntropyInterval,
      });
      const store = new MemoryStore({ tick: 'microtask' });
      await store.open();
      c.slots.push({ member: await c.boot(i, store), store, disk: null, epoch: 0 });
    }
    if ((opts.syncEveryMs ?? 0) > 0) c.syncEvery(opts.syncEveryMs!);
    return c;
  }

  address(i: number): string {
    return `${this.ids[i]}:17000`;
  }

  indexOf(id: NodeId): number {
    const i = this.ids.indexOf(id);
    if (i < 0) throw new Error(`no node ${id}`);
    return i;
  }

  member(i: number): ClusterMember {
    return this.slot(i).member;
  }

  /** node i's coordinator (the Keyspace the RESP layer uses) */
  kv(i: number): Coordinator {
    return this.member(i).coordinator;
  }

  isCrashed(i: number): boolean {
    return this.slot(i).disk !== null;
  }

  /** the key's N primaries as node i sees the ring */
  preferenceList(key: Buffer, n = this.opts.replicas ?? 3, from = 0): NodeId[] {
    return preferenceList(this.member(from).membership.ring(), keySlot(key), n);
  }

  /** each node's own replica of the key (null for a crashed node) */
  async replicas(key: Buffer): Promise<Array<VRecord | null>> {
    return Promise.all(this.slots.map((s) => (s.disk !== null ? null : s.member.coordinator.localRecord(key))));
  }

  /** move simulated time forward by ms, letting every message and timer on the way run */
  async pass(ms: number): Promise<void> {
    await this.clock.advance(ms);
  }

  /** advance time until `p` settles (at most `capMs` of simulated time), then return its outcome */
  async run<T>(p: Promise<T>, capMs = 60_000): Promise<T> {
    let done = false;
    p.then(() => (done = true), () => (done = true));
    await this.clock.advance(0);
    for (let t = 0; !done; t += STEP_MS) {
      if (t >= capMs) throw new SimTimeoutError(`promise still pending after ${capMs} ms of simulated time`);
      await this.clock.advance(STEP_MS);
    }
    return p;
  }

  /**
   * Advance time until every running node knows every node, all rings have one checksum, and
   * every running node sees every node it can reach as up.
   */
  async settle(capMs = 30_000): Promise<void> {
    const step = this.opts.gossipIntervalMs ?? 100;
    for (let t = 0; !this.converged(); t += step) {
      if (t >= capMs) throw new SimTimeoutError(`gossip did not converge within ${capMs} ms`);
      await this.clock.advance(step);
    }
  }

  converged(): boolean {
    const live = this.slots.map((s, i) => ({ s, i })).filter(({ s }) => s.disk === null);
    const sums = new Set(live.map(({ s }) => s.member.membership.ringChecksum()));
    if (sums.size !== 1) return false;
    for (const { s, i } of live) {
      if (s.member.membership.memberCount() !== this.ids.length) return false;
      for (const { i: j } of live) {
        if (i !== j && !this.network.blocked(this.address(i), this.address(j)) && !s.member.membership.isUp(this.ids[j]!)) return false;
      }
    }
    return true;
  }

  /** the process dies: gossip stops, its endpoint stops, its store keeps what a crash keeps */
  crash(i: number): void {
    this.down(i).disk = this.slot(i).store.crash();
  }

  /**
   * The machine dies (power loss, kernel crash): as crash(), but the store keeps only what was
   * synced, and the node comes back in a new version epoch.
   */
  osCrash(i: number): void {
    const s = this.down(i);
    s.disk = s.store.osCrash();
    s.epoch++;
  }

  /** node i stops gossiping and its endpoint goes away (a crash, before its store's fate) */
  private down(i: number): Slot {
    const s = this.slot(i);
    if (s.disk !== null) throw new Error(`${this.ids[i]} is already down`);
    s.member.membership.stop();
    this.network.crash(this.address(i));
    return s;
  }

  /** the same node id and data, a new process (new generation) */
  async restart(i: number): Promise<void> {
    const s = this.slot(i);
    if (s.disk === null) throw new Error(`${this.ids[i]} is running`);
    const store = s.disk;
    await store.open();
    // a new generation needs a later clock reading than the last start
    await this.clock.advance(1);
    s.member = await this.boot(i, store);
    s.store = store;
    s.disk = null;
  }

  /** messages between the two groups are lost until heal() */
  partition(a: readonly number[], b: readonly number[]): void {
    for (const x of a) for (const y of b) this.network.cut(this.address(x), this.address(y));
  }

  /** every message to or from node i is lost until heal() */
  isolate(i: number): void {
    this.network.isolate(this.address(i));
  }

  /** one tombstone-GC pass over every slot on each running node; the records reaped in all */
  async sweepAll(): Promise<number> {
    let reaped = 0;
    for (let i = 0; i < this.ids.length; i++) if (!this.isCrashed(i)) reaped += await this.sweepNode(i);
    return reaped;
  }

  /** one tombstone-GC pass of node i over every slot (16 sweeps of 1024 slots); the records it reaped */
  async sweepNode(i: number): Promise<number> {
    let reaped = 0;
    for (let n = 0; n < 16; n++) reaped += await this.run(this.member(i).gc.runSweep());
    return reaped;
  }

  /** like SIGSTOP: node i's traffic, both ways, is held until resume(i) */
  pause(i: number): void {
    this.network.pause(this.address(i));
  }

  /** like SIGCONT: what was held for or from node i flows again */
  resume(i: number): void {
    this.network.resume(this.address(i));
  }

  /** removes every cut and isolation, the drop rate and the delay */
  heal(): void {
    this.network.healAll();
    this.network.dropRate(0);
    this.network.delay(0);
  }

  dropRate(p: number): void {
    this.network.dropRate(p);
  }

  delay(minMs: number, maxMs = minMs): void {
    this.network.delay(minMs, maxMs);
  }

  /** every message sent so far (time, ends, type, body), as one digest */
  traceDigest(): string {
    return `${this.traceCount}:${this.traceHash.copy().digest('hex')}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.slots) {
      s.member.membership.stop();
      if (s.disk === null) await s.member.transport.close();
    }
  }

  private async boot(i: number, store: MemoryStore): Promise<ClusterMember> {
    const transport = this.network.transport(this.ids[i]!, this.address(i));
    const rng = mulberry32((this.opts.seed * 31 + i * 7919 + this.clock.now()) >>> 0);
    const epoch = this.slots[i]?.epoch ?? 0;
    const opts = epoch > 0 && this.opts.epochs !== false ? { ...this.memberOpts[i]!, actor: versionActor(this.ids[i]!, epoch) } : this.memberOpts[i]!;
    const member = new ClusterMember(store, transport, this.clock, rng, opts, this.log.child({ node: this.ids[i] }));
    await member.start();
    return member;
  }

  /** every running node's store synced every `ms`, for as long as the cluster runs */
  private syncEvery(ms: number): void {
    const tick = (): void => {
      if (this.stopped) return;
      for (const s of this.slots) if (s.disk === null) s.store.sync().catch(() => {});
      this.clock.setTimer(ms, tick);
    };
    this.clock.setTimer(ms, tick);
  }

  private slot(i: number): Slot {
    const s = this.slots[i];
    if (!s) throw new Error(`no node ${i}`);
    return s;
  }
}
