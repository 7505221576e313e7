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

export class ProcCluster {
  private readonly clients: Redis[] = [];

  private constructor(readonly nodes: ProcNode[]) {}

  /**
   * `size` nodes named node1.., each seeded with every node's cluster port (a node skips itself),
   * started at once; `perNode(i)` gives node i its options. Resolves when every node answers
   * PING (not when the cluster has formed: see waitFormed).
   */
  static async start(size: number, perNode: (i: number) => ProcNodeOptions = () => ({})): Promise<ProcCluster> {
    const ports: Array<[number, number]> = [];
    for (let i = 0; i < size; i++) ports.push([await freePort(), await freePort()]);
    const seeds = ports.map(([, cp]) => `127.0.0.1:${cp}`);
    const nodes = ports.map(([p, cp], i) => new ProcNode(`node${i + 1}`, p, cp, tempDir('qkv-cluster-'), seeds, perNode(i)));
    const cluster = new ProcCluster(nodes);
    try {
      await Promise.all(nodes.map((n) => n.start()));
    } catch (err) {
      await cluster.dispose();
      throw err;
    }
    return cluster;
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
    for (const n of this.nodes) fs.rmSync(n.dir, { recursive: true, force: true });
  }
}
