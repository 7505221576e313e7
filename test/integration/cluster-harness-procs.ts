/**
 * A cluster of real quorumkv-server processes for integration tests: free ports, fresh temp data
 * directories, `--seeds` pointing at each other's cluster ports. Nodes can be killed (kill -9)
 * and restarted on the same directory. Processes come from harness.ts (ServerProcess), so they are
 * killed on exit even when a test forgets; `dispose()` kills them and removes the directories.
 */
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { ROOT, ServerProcess, freePort, tempDir, redisCli } from './harness';
import { PeerProxy } from './peer-proxy';

export const SERVER_BIN = path.join(ROOT, 'bin', 'quorumkv-server');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface ProcNodeOptions {
  /** `--cluster-secret`; none when undefined */
  readonly secret?: string;
  /** extra directives */
  readonly args?: readonly string[];
}

/** one node of a ProcCluster */
export class ProcNode {
  readonly proc: ServerProcess;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly clusterPort: number,
    readonly dir: string,
    seeds: readonly string[],
    opts: ProcNodeOptions,
  ) {
    const args = [
      SERVER_BIN,
      '--port', String(port),
      '--cluster-port', String(clusterPort),
      '--dir', dir,
      '--node-id', name,
      '--seeds', ...seeds,
      '--replicas', '3', '--read-quorum', '2', '--write-quorum', '2',
      '--request-timeout', '500',
      '--loglevel', 'debug',
      ...(opts.secret === undefined ? [] : ['--cluster-secret', opts.secret]),
      ...(opts.args ?? []),
    ];
    this.proc = new ServerProcess(name, process.execPath, args, port);
  }

  get running(): boolean {
    return this.proc.child !== null;
  }

  /** everything the process printed so far (pino JSON lines) */
  log(lines = 5000): string {
    return this.proc.log(lines);
  }

  async start(): Promise<void> {
    await this.proc.start(15000);
  }

  kill9(): Promise<void> {
    return this.proc.kill9();
  }

  /** `INFO cluster` field, as a number */
  async infoNumber(field: string): Promise<number> {
    const info = await redisCli(this.port, ['INFO', 'cluster']);
    const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
    if (!m) throw new Error(`${this.name}: no ${field} in INFO cluster:\n${info}`);
    return Number(m[1]);
  }

  knownNodes(): Promise<number> {
    return this.infoNumber('cluster_known_nodes');
  }
}

/**
 * A formed cluster of `size` real nodes for the describe block this is called in: started (and
 * waited on until every node knows every other) before its tests, disposed after them. Returns
 * the accessor; the cluster exists once the block's `before` has run.
 */
export function formedCluster(size: number, perNode?: (i: number) => ProcNodeOptions): () => ProcCluster {
  let cluster: ProcCluster | undefined;
  before(async () => {
    cluster = await ProcCluster.start(size, perNode);
    await cluster.waitFormed(size);
  });
  after(async () => {
    await cluster?.dispose();
  });
  return () => {
    if (cluster === undefined) throw new Error('the cluster is started in before()');
    return cluster;
  };
}

/** an ioredis client that fails fast instead of reconnecting or retrying */
export function fastClient(port: number): Redis {
  return new Redis({
    host: '127.0.0.1',
    port,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: true,
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
      lastErr = null;
    } catch (err) {
      lastErr = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
}

/** the loopback address node i sends to its peers from, in a cluster on a proxied network */
const sourceOf = (i: number): string => `127.0.0.${i + 2}`;

export class ProcCluster {
  private readonly clients: Redis[] = [];

  private constructor(
    readonly nodes: ProcNode[],
    /** proxied network: node i's peers reach it through proxies[i] (see partition) */
    private readonly proxies: PeerProxy[],
  ) {}

  /**
   * `size` nodes named node1.., each seeded with every node's cluster port (a node skips itself),
   * started at once; `perNode(i)` gives node i its options. Resolves when every node answers
   * PING (not when the cluster has formed: see waitFormed). `network: 'proxied'` puts a
   * PeerProxy in front of each node's cluster port, announced with cluster-announce-bus-port,
   * and has node i connect from 127.0.0.(i+2) (bind-source-addr), so partition() can cut links.
   */
  static async start(size: number, perNode: (i: number) => ProcNodeOptions = () => ({}), network: 'direct' | 'proxied' = 'direct'): Promise<ProcCluster> {
    const ports: Array<[number, number]> = [];
    for (let i = 0; i < size; i++) ports.push([await freePort(), await freePort()]);
    const proxies = network === 'proxied' ? await Promise.all(ports.map(([, cp]) => PeerProxy.start(cp))) : [];
    const busPort = (i: number) => proxies[i]?.port ?? ports[i]![1];
    const seeds = ports.map((_, i) => `127.0.0.1:${busPort(i)}`);
    const nodes = ports.map(([p, cp], i) => {
      const o = perNode(i);
      const routing = network === 'proxied' ? ['--cluster-announce-bus-port', String(busPort(i)), '--bind-source-addr', sourceOf(i)] : [];
      return new ProcNode(`node${i + 1}`, p, cp, tempDir('qkv-cluster-'), seeds, { ...o, args: [...routing, ...(o.args ?? [])] });
    });
    const cluster = new ProcCluster(nodes, proxies);
    try {
      await Promise.all(nodes.map((n) => n.start()));
    } catch (err) {
      await cluster.dispose();
      throw err;
    }
    return cluster;
  }

  /**
   * Splits the cluster's network into `groups` of node indexes (a node in no group is cut off from
   * all): links between groups go silent, each node keeps serving its clients. Proxied only.
   */
  partition(groups: ReadonlyArray<readonly number[]>): void {
    if (this.proxies.length === 0) throw new Error('partition() needs a cluster started with network: proxied');
    const groupOf = (i: number) => groups.findIndex((g) => g.includes(i));
    this.proxies.forEach((proxy, j) => {
      const others = this.nodes.map((_, i) => i).filter((i) => i !== j && (groupOf(i) < 0 || groupOf(i) !== groupOf(j)));
      proxy.cut(others.map(sourceOf));
    });
  }

  /** the cluster port node i announces: its proxy's on a proxied network */
  busPort(i: number): number {
    return this.proxies[i]?.port ?? this.nodes[i]!.clusterPort;
  }

  /** every link talks again (after partition) */
  heal(): void {
    for (const proxy of this.proxies) proxy.heal();
  }

  /** adds a node seeded with the given nodes' cluster ports (not yet started) */
  async addNode(name: string, seedNodes: readonly ProcNode[], opts: ProcNodeOptions = {}): Promise<ProcNode> {
    const seeds = seedNodes.map((n) => `127.0.0.1:${n.clusterPort}`);
    const node = new ProcNode(name, await freePort(), await freePort(), tempDir('qkv-cluster-'), seeds, opts);
    this.nodes.push(node);
    return node;
  }

  /** waits until each of `nodes` (default: all) reports cluster_known_nodes = expected */
  async waitFormed(expected = this.nodes.length, nodes: readonly ProcNode[] = this.nodes, timeoutMs = 10000): Promise<void> {
    await waitFor(`cluster_known_nodes:${expected} on ${nodes.map((n) => n.name).join(', ')}`, async () => {
      const known = await Promise.all(nodes.map((n) => n.knownNodes()));
      return known.every((k) => k === expected);
    }, timeoutMs, 200);
  }

  /** an ioredis client to node i (0-based), closed by dispose() */
  client(i: number): Redis {
    const c = fastClient(this.nodes[i]!.port);
    c.on('error', () => undefined);
    this.clients.push(c);
    return c;
  }

  /** kill -9 every node, close clients, remove the data directories */
  async dispose(): Promise<void> {
    for (const c of this.clients.splice(0)) c.disconnect();
    await Promise.all(this.nodes.map((n) => n.kill9()));
    await Promise.all(this.proxies.map((p) => p.close()));
    for (const n of this.nodes) fs.rmSync(n.dir, { recursive: true, force: true });
  }
}
