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
import { LevelStore } from './storage/level-store';
import { RecordStore } from './storage/record-store';
import { Coordinator } from './coordinator/coordinator';
import { registerReplicaHandlers } from './coordinator/replica-handlers';
import { TcpTransport } from './transport';
import { Membership } from './membership/membership';
import type { MemberInfo } from './membership/view';
import { renderSeed } from './config';
import { buildCommandTable } from './resp/commands';
import { Dispatcher } from './resp/dispatcher';
import { RespServer } from './resp/server';
import { makeLimits } from './resp/limits';
import type { ServerContext, ServerStats } from './resp/context';
import { systemClock, type Clock } from './util/clock';

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
}

export class QuorumNode {
  readonly nodeId: string;
  readonly dir: string;
  readonly log: Logger;
  private readonly store: LevelStore;
  private resp: RespServer | null = null;
  private transport: TcpTransport | null = null;
  private membership: Membership | null = null;
  private stopTimers: Array<() => void> = [];

  constructor(private readonly opts: NodeOptions) {
    const { config } = opts;
    const id = resolveIdentity(config, opts.cwd ?? process.cwd());
    this.nodeId = id.nodeId;
    this.dir = id.dir;
    this.log = opts.logger ?? createLogger({ level: config.loglevel, logfile: config.logfile, nodeId: id.nodeId });
    this.store = new LevelStore({ dir: path.join(id.dir, 'db'), durability: config.fsync });
  }

  async start(): Promise<void> {
    const { config } = this.opts;
    const clock = this.opts.clock ?? systemClock;
    await this.store.open();
    const records = new RecordStore(this.store);
    const host = config.bind[0];
    const address = `${host}:${config.clusterPort}`;
    const transport = new TcpTransport({
      localId: this.nodeId,
      listenHost: host,
      listenPort: config.clusterPort,
      advertiseAddress: address,
      secret: config.clusterSecret,
      logger: this.log.child({ module: 'transport' }),
      clock,
    });
    this.transport = transport;
    const me: MemberInfo = {
      id: this.nodeId,
      address,
      respHost: host,
      respPort: config.port,
      zone: config.zone,
      weight: config.weight,
      status: 'normal',
      generation: clock.now(),
      version: 1,
    };
    const membership = new Membership(me, transport, clock, Math.random, {
      seeds: config.seeds.map(renderSeed),
      vnodesPerWeight: config.vnodesPerWeight,
      gossipIntervalMs: 1000,
      requestTimeoutMs: config.requestTimeout,
    }, this.log.child({ module: 'membership' }));
    this.membership = membership;
    const keyspace = new Coordinator(membership, records, transport, {
      replicas: config.replicas,
      readQuorum: config.readQuorum,
      writeQuorum: config.writeQuorum,
      requestTimeout: config.requestTimeout,
    }, this.log.child({ module: 'coordinator' }));
    registerReplicaHandlers(transport, records, keyspace, null);
    await transport.start();
    membership.start();
    const stats: ServerStats = {
      startedAt: clock.now(),
      commandsProcessed: 0,
      connectionsReceived: 0,
      rejectedConnections: 0,
      siblingLimitExceeded: 0,
    };
    const commands = buildCommandTable();
    let resp: RespServer | null = null;
    const server: ServerContext = {
      nodeId: this.nodeId,
      config,
      clock,
      rng: Math.random,
      keyspace,
      commands,
      clients: { list: () => resp?.list() ?? [], get: (id) => resp?.get(id), kill: (id) => resp?.kill(id) ?? false },
      stats,
      infoSections: () => [
        ['cluster', [
          ['cluster_enabled', 1],
          ['cluster_known_nodes', membership.memberCount()],
          ['cluster_reachable_nodes', membership.memberIds().filter((id) => membership.isUp(id)).length],
          ['ring_checksum', membership.ringChecksum()],
          ['read_repairs', keyspace.stats.readRepairs],
          ['forwarded_requests', keyspace.stats.forwarded],
        ]],
      ],
      version: VERSION,
    };
    const dispatcher = new Dispatcher(server);
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
        idleTimeout: config.timeout,
        requirepass: config.requirepass,
      },
      dispatcher,
      server,
      this.log.child({ module: 'resp' }),
    );
    await resp.listen();
    this.resp = resp;
    if (config.fsync === 'everysec') this.every(clock, 1000, () => this.store.sync());
    this.log.info({ port: config.port, dir: this.dir }, 'ready to accept connections');
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

  async stop(): Promise<void> {
    const stops = this.stopTimers;
    this.stopTimers = [];
    for (const s of stops) s();
    this.membership?.stop();
    await this.resp?.close();
    await this.transport?.close();
    await this.store.close();
    this.log.info('stopped');
  }
}
