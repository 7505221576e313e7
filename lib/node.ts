/**
 * The composition root: the one place that builds sockets, timers, LevelDB and the logger, and
 * wires the parts together. Everything below takes what it needs as narrow interfaces.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createLogger } from './observability/logger';
import { resolveIdentity } from './node-identity';
import { beginEpoch, markCleanShutdown, versionActor } from './node-epoch';
import { LevelStore } from './storage/level-store';
import { TcpTransport } from './transport';
import { formatAddress } from './transport/address';
import { ClusterMember } from './cluster-member';
import { renderSeed } from './config';
import { buildCommandTable } from './resp/commands';
import { setMembershipAdmin } from './resp/commands/cluster';
import { Dispatcher } from './resp/dispatcher';
import { serveForwarded } from './resp/forwarding';
import { MembershipError } from './membership/errors';
import { MessageType } from './transport/message-type';
import { RespServer } from './resp/server';
import { makeLimits } from './resp/limits';
import type { AdmissionStats, NetBytes, ServerContext, ServerStats } from './resp/context';
import { InstantaneousMetrics, SAMPLE_INTERVAL_MS } from './observability/instantaneous';
import { systemClock, type Clock } from './util/clock';
import { LatencyTracker } from './observability/latency';
import { monotonicNs } from './util/clock';
import { BackgroundController } from './background/controller';
import { storageInfo } from './observability/storage-info';
import { beforeOutput } from './util/turn-end';
import { Metrics } from './observability/metrics';
import { MetricsListener } from './observability/metrics-http';
import { infoSections } from './resp/commands/info';

/** before the RESP server exists */
const NO_ADMISSION: AdmissionStats = { running: 0, limit: 0, waitingClients: 0, waitingCommands: 0, delayed: 0 };
const NO_BYTES: NetBytes = { input: 0, output: 0 };

/** the package version, found by walking up from this file (works from lib/ and from dist/lib/) */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'quorumkv' && pkg.version) return pkg.version;
    } catch {
      // keep looking
    }
  }
  return '0.0.0';
}

export const VERSION = packageVersion();

export interface NodeOptions {
  readonly config: Config;
  readonly cwd?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** called with 0 once the node has left the cluster (CLUSTER LEAVE) and stopped; default process.exit */
  readonly exit?: (code: number) => void;
}

export class QuorumNode {
  readonly nodeId: string;
  readonly dir: string;
  readonly log: Logger;
  private readonly store: LevelStore;
  private resp: RespServer | null = null;
  private member: ClusterMember | null = null;
  private background: BackgroundController | null = null;
  private metrics: MetricsListener | null = null;
  private stopTimers: Array<() => void> = [];
  private epochBegun = false;
  /** set once a placement conflict has begun to stop the node */
  private stopping = false;

  constructor(private readonly opts: NodeOptions) {
    const { config } = opts;
    const id = resolveIdentity(config, opts.cwd ?? process.cwd());
    this.nodeId = id.nodeId;
    this.dir = id.dir;
    this.log = opts.logger ?? createLogger({ level: config.loglevel, logfile: config.logfile, nodeId: id.nodeId });
    // 16 MiB memtables (fewer level-0 files than LevelDB's 4 MiB, so fewer write slowdowns) and a
    // 16 MiB block cache. A random point read over 1M records costs LevelDB ~4 us with 8, 16 or
    // 56 MiB of block cache, ~3 us only once the cache holds every block (512 MiB; the files are
    // in the OS page cache either way: bench/leveldb-point-read.ts). So the memory goes to
    // RecordStore's 32 MiB of records, which skip LevelDB; they live on the V8 heap, whose growth
    // headroom comes on top, and with a 56 MiB block cache a node reached 406 MiB at a million
    // keys (scale bench; the goal is under 400 MB).
    this.store = new LevelStore({
      dir: path.join(id.dir, 'db'),
      durability: config.fsync,
      writeBufferSize: 16 * 1024 * 1024,
      cacheSize: 16 * 1024 * 1024,
      journaled: config.writeJournal,
    });
  }

  async start(): Promise<void> {
    const { config } = this.opts;
    const clock = this.opts.clock ?? systemClock;
    await this.store.open();
    // after the open: LevelDB's lock makes this process the directory's only user, so a second
    // process started on it by mistake neither moves the epoch nor marks a clean stop
    const { epoch } = beginEpoch(this.dir);
    this.epochBegun = true;
    const actor = versionActor(this.nodeId, epoch);
    if (epoch > 0) this.log.warn({ epoch, actor }, 'signing new versions as %s (this node has started after an unclean reboot at least once)', actor);
    const host = config.bind[0];
    // what peers and clients are told: the cluster-announce-* directives, else where this node listens
    const announceHost = config.clusterAnnounceIp ?? host;
    const address = formatAddress(announceHost, config.clusterAnnounceBusPort || config.clusterPort);
    const transport = new TcpTransport({
      localId: this.nodeId,
      listenHost: host,
      listenPort: config.clusterPort,
      advertiseAddress: address,
      sourceAddress: config.bindSourceAddr ?? undefined,
      secret: config.clusterSecret,
      logger: this.log,
      clock,
    });
    // foreground latency per command (INFO latencystats) and the controller that paces background work by it
    const latency = new LatencyTracker(monotonicNs);
    const background = new BackgroundController(clock, latency, { targetMs: config.latencyTargetMs, enabled: config.backgroundController }, this.log.child({ module: 'background' }));
    this.background = background;
    const member = new ClusterMember(this.store, transport, clock, Math.random, {
      self: { id: this.nodeId, address, respHost: announceHost, respPort: config.clusterAnnouncePort || config.port, zone: config.zone, weight: config.weight },
      seeds: config.seeds.map(renderSeed),
      replicas: config.replicas,
      readQuorum: config.readQuorum,
      writeQuorum: config.writeQuorum,
      requestTimeout: config.requestTimeout,
      vnodesPerWeight: config.vnodesPerWeight,
      gossipIntervalMs: 1000,
      hintedHandoff: config.hintedHandoff,
      maxHints: config.maxHints,
      maxHintsPerTarget: config.maxHintsPerTarget,
      antiEntropyInterval: config.antiEntropyInterval,
      tombstoneGraceMs: config.tombstoneGrace,
      recordCacheBytes: config.recordCacheSize,
      background,
      // the replica requests of the whole turn share a batch: its frames leave in the output stage anyway
      batchSchedule: beforeOutput,
      actor,
    }, this.log);
    this.member = member;
    member.onMustStop((message) => this.stopOnConflict(message));
    await member.start();
    const { membership, coordinator: keyspace } = member;
    const stats: ServerStats = {
      startedAt: clock.now(),
      commandsProcessed: 0,
      connectionsReceived: 0,
      rejectedConnections: 0,
      siblingLimitExceeded: 0,
      keyspaceHits: 0,
      keyspaceMisses: 0,
    };
    const instantaneous = new InstantaneousMetrics();
    const commands = buildCommandTable();
    let resp: RespServer | null = null;
    const server: ServerContext = {
      nodeId: this.nodeId,
      // what the node runs with: CONFIG GET node-id and dir answer the derived id and the
      // absolute data directory (as Redis answers its working directory), not an empty default
      config: Object.freeze({ ...config, nodeId: this.nodeId, dir: this.dir }),
      clock,
      rng: Math.random,
      keyspace,
      cluster: {
        myId: this.nodeId,
        members: () => membership.members(),
        ring: () => membership.ring(),
        ringChecksum: () => membership.ringChecksum(),
        isUp: (id) => membership.isUp(id),
        replicas: () => keyspace.quorum().n,
      },
      commands,
      clients: { list: () => resp?.list() ?? [], get: (id) => resp?.get(id), kill: (id) => resp?.kill(id) ?? false,
        admission: () => resp?.admission() ?? NO_ADMISSION, netBytes: () => resp?.netBytes() ?? NO_BYTES },
      stats,
      instantaneous,
      infoSections: () => [
        ['cluster', [
          ['cluster_enabled', 1],
          ['cluster_known_nodes', membership.memberCount()],
          ['cluster_reachable_nodes', membership.memberIds().filter((id) => membership.isUp(id)).length],
          ['ring_checksum', membership.ringChecksum()],
          ['read_repairs', keyspace.stats.readRepairs],
          ['forwarded_requests', keyspace.stats.forwarded],
          ['placement_conflict_peers', membership.conflictingPeers().length],
          ['node_epoch', epoch],
          ['version_actor', actor],
        ]],
        ['handoff', member.handoffInfo()],
        ['transfer', member.transferInfo()],
        ['antientropy', member.antiEntropyInfo()],
        ['background', background.infoFields()],
        ['storage', storageInfo(member.records.cache, this.store)],
        ['latencystats', latency.infoFields()],
      ],
      version: VERSION,
    };
    setMembershipAdmin(server.cluster, {
      leave: () => member.transfer.leave(),
      // FORGET is for a node gone for good: one that still answers is refused (it would go on
      // serving a ring that no longer has it); it can leave instead, handing its data over
      forget: async (id) => {
        const m = membership.member(id);
        if (m !== undefined && m.status !== 'removed' && (await membership.answers(id))) {
          throw new MembershipError('MEMBER_REACHABLE', `node ${id} still answers at ${m.address}: CLUSTER LEAVE on it hands its data over; stop it first to forget it`);
        }
        member.transfer.forget(id);
      },
    });
    member.transfer.onLeft(() => this.leftCluster());
    const dispatcher = new Dispatcher(server, latency);
    // read-modify-write commands other nodes forward to this one, as the key's first replica
    member.transport.handle(MessageType.COORDINATE_COMMAND, (body, from) => serveForwarded(dispatcher, body, from, () => clock.now()));
    resp = new RespServer(
      {
        bind: config.bind,
        port: config.port,
        limits: makeLimits({
          maxBulkLen: config.protoMaxBulkLen,
          maxMultibulkLen: config.protoMaxMultibulkLen,
          maxInlineLen: config.protoInlineMaxSize,
          maxQueryBuffer: config.clientQueryBufferLimit,
        }),
        maxclients: config.maxclients,
        maxRunningCommands: config.maxRunningCommands,
        idleTimeout: config.timeout,
        requirepass: config.requirepass,
      },
      dispatcher,
      server,
      this.log.child({ module: 'resp' }),
    );
    await resp.listen();
    this.resp = resp;
    if (config.metricsPort !== 0) {
      const metrics = new Metrics(
        { sections: () => infoSections(server), latencies: () => latency.commandLatencies() },
        { nodeId: this.nodeId, version: VERSION },
      );
      this.metrics = new MetricsListener(metrics, this.log.child({ module: 'metrics' }));
      await this.metrics.listen(config.bind, config.metricsPort);
    }
    background.start();
    // INFO instantaneous_ops_per_sec and _kbps, sampled as Redis samples them
    this.every(clock, SAMPLE_INTERVAL_MS, async () => instantaneous.sample(clock.now(), stats.commandsProcessed, server.clients.netBytes()));
    if (config.fsync === 'everysec' || config.fsync === 'coordinator') this.every(clock, 1000, () => this.store.sync());
    this.log.info({ port: config.port, metricsPort: config.metricsPort || undefined, dir: this.dir }, 'ready to accept connections');
  }

  /** a repeating background task; errors are logged, never unhandled */
  private every(clock: Clock, ms: number, task: () => Promise<unknown>): void {
    let cancel = () => {};
    const tick = () => {
      task()
        .catch((err: unknown) => this.log.error({ err }, 'background task failed'))
        .finally(() => {
          if (this.stopTimers.length > 0) cancel = clock.setTimer(ms, tick);
        });
    };
    cancel = clock.setTimer(ms, tick);
    this.stopTimers.push(() => cancel());
  }

  /** CLUSTER LEAVE is done: the data is handed over and the ring knows; stop cleanly and exit 0 */
  private leftCluster(): void {
    this.log.info('left the cluster: stopping');
    this.stop().then(
      () => (this.opts.exit ?? process.exit)(0),
      (err: unknown) => {
        this.log.error({ err }, 'error while stopping after leaving');
        (this.opts.exit ?? process.exit)(1);
      },
    );
  }

  /**
   * This node must not go on (ClusterMember.onMustStop): its cluster places keys with other
   * `replicas` or `vnodes-per-weight` and it is still starting, or a member started before it
   * runs with its node-id. Stop and exit 1, as for a bad config file.
   */
  private stopOnConflict(message: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log.fatal(message);
    process.stderr.write(`quorumkv-server: ${message}\n`);
    this.stop().then(
      () => (this.opts.exit ?? process.exit)(1),
      () => (this.opts.exit ?? process.exit)(1),
    );
  }

  async stop(): Promise<void> {
    const stops = this.stopTimers;
    this.stopTimers = [];
    for (const s of stops) s();
    this.background?.stop();
    await this.resp?.close();
    await this.metrics?.close();
    await this.member?.stop();
    await this.store.close();
    // this run began an epoch and its store closed: all it wrote is synced (a reboot loses nothing)
    if (this.epochBegun) markCleanShutdown(this.dir);
    this.log.info('stopped');
  }
}
