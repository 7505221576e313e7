/**
 * A real multi-node quorumkv cluster for integration tests: each node is started from its own
 * conf file (redis.conf syntax) naming its ports, node-id, data directory and seeds (every
 * node's cluster port), then we wait until every node knows all the others.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, ROOT, ServerProcess, tempDir } from './harness';

const SERVER_BIN = path.join(ROOT, 'bin', 'quorumkv-server');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly dir: string;
  readonly process: ServerProcess;
}

export interface ClusterOptions {
  readonly size: number;
  /** node ids get this prefix and their index: qkv-1, qkv-2, ... */
  readonly idPrefix?: string;
  /** extra conf lines for every node */
  readonly conf?: readonly string[];
}

/** free client and cluster ports (freePort never hands out a port twice) */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) ports.push(await freePort());
  return ports;
}

export async function startCluster(opts: ClusterOptions): Promise<ClusterNode[]> {
  const ports = await freePorts(opts.size * 2);
  const specs = Array.from({ length: opts.size }, (_, i) => ({
    id: `${opts.idPrefix ?? 'qkv'}-${i + 1}`,
    port: ports[i],
    clusterPort: ports[opts.size + i],
    dir: tempDir('qkv-cluster-'),
  }));
  const seeds = specs.map((s) => `127.0.0.1:${s.clusterPort}`).join(' ');
  const nodes = specs.map((s) => {
    const conf = path.join(s.dir, 'node.conf');
    fs.writeFileSync(conf, [
      `# node ${s.id} of a ${opts.size}-node test cluster`,
      `port ${s.port}`,
      `cluster-port ${s.clusterPort}`,
      `node-id ${s.id}`,
      `dir ${path.join(s.dir, 'data')}`,
      `seeds ${seeds}`,
      'loglevel warning',
      ...(opts.conf ?? []),
      '',
    ].join('\n'));
    const p = new ServerProcess(`quorumkv:${s.port}`, process.execPath, [SERVER_BIN, conf], s.port);
    p.ownedDir = s.dir;
    return { ...s, process: p };
  });
  await Promise.all(nodes.map((n) => n.process.start()));
  return nodes;
}

/** one command over a fresh connection; the raw reply text (RESP2), or null on timeout/error */
export function rawCommand(port: number, args: readonly string[], ms = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (v: string | null) => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(null), ms);
    s.on('connect', () => s.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    s.on('data', (d) => {
      data += d.toString('latin1');
      // bulk strings (CLUSTER INFO) are complete once their declared length has arrived
      const m = /^\$(\d+)\r\n/.exec(data);
      if (!m || data.length >= m[0].length + Number(m[1]) + 2) done(data);
    });
    s.on('error', () => done(null));
  });
}

/** polls until `check` is true for the node, failing after `timeoutMs` with the last observation */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** waits until every node's CLUSTER INFO shows cluster_known_nodes:<size> */
export async function waitUntilFormed(nodes: readonly ClusterNode[], timeoutMs = 20000): Promise<void> {
  await waitFor(`cluster_known_nodes:${nodes.length} on every node`, timeoutMs, async () => {
    const infos = await Promise.all(nodes.map((n) => rawCommand(n.port, ['CLUSTER', 'INFO'])));
    return infos.every((i) => i !== null && new RegExp(`cluster_known_nodes:${nodes.length}\\r\\n`).test(i));
  });
}

export async function disposeCluster(nodes: readonly ClusterNode[] | undefined): Promise<void> {
  await Promise.all((nodes ?? []).map((n) => n.process.dispose()));
}

// ---- replies of the CLUSTER commands, parsed as a client would (RESP2 via ioredis) ----

export interface SlotNode {
  readonly host: string;
  readonly port: number;
  readonly id: string;
}

export interface ClusterSlot {
  readonly start: number;
  readonly end: number;
  /** master first */
  readonly nodes: readonly SlotNode[];
}

export function slotsOf(reply: unknown): ClusterSlot[] {
  if (!Array.isArray(reply)) throw new Error(`CLUSTER SLOTS: not an array: ${String(reply)}`);
  return reply.map((r: unknown[]) => {
    const [start, end, ...nodes] = r as [number, number, ...Array<[string, number, string, unknown[]]>];
    for (const n of nodes) if (n.length !== 4 || !Array.isArray(n[3])) throw new Error(`CLUSTER SLOTS: bad node entry ${JSON.stringify(n)}`);
    return { start, end, nodes: nodes.map(([host, port, id]) => ({ host, port, id })) };
  });
}

export interface NodesLine {
  readonly id: string;
  readonly address: string;
  readonly flags: readonly string[];
  readonly master: string;
  readonly epoch: number;
  readonly link: string;
  readonly slots: ReadonlyArray<readonly [number, number]>;
}

/** CLUSTER NODES: `<id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <epoch> <link> <slot> ...` */
export function parseNodes(text: string): NodesLine[] {
  if (!text.endsWith('\n')) throw new Error('CLUSTER NODES: the last line must end with \\n');
  return text.slice(0, -1).split('\n').map((line) => {
    const f = line.split(' ');
    if (f.length < 8) throw new Error(`CLUSTER NODES: short line ${line}`);
    for (const i of [4, 5, 6]) if (!/^\d+$/.test(f[i])) throw new Error(`CLUSTER NODES: field ${i} not a number in ${line}`);
    return {
      id: f[0],
      address: f[1],
      flags: f[2].split(','),
      master: f[3],
      epoch: Number(f[6]),
      link: f[7],
      slots: f.slice(8).map((s) => {
        const [a, b] = s.split('-').map(Number);
        return [a, b ?? a] as const;
      }),
    };
  });
}

export interface ShardNode {
  readonly id: string;
  readonly port: number;
  readonly ip: string;
  readonly endpoint: string;
  readonly role: string;
  readonly health: string;
}

export interface ShardEntry {
  readonly slots: ReadonlyArray<readonly [number, number]>;
  readonly nodes: readonly ShardNode[];
}

/** a RESP2 flat map [k1, v1, k2, v2, ...] as an object */
function flatMap(a: unknown): Record<string, unknown> {
  if (!Array.isArray(a) || a.length % 2 !== 0) throw new Error(`not a flat map: ${JSON.stringify(a)}`);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < a.length; i += 2) out[String(a[i])] = a[i + 1];
  return out;
}

export function parseShards(reply: unknown): ShardEntry[] {
  if (!Array.isArray(reply)) throw new Error('CLUSTER SHARDS: not an array');
  return reply.map((s) => {
    const shard = flatMap(s);
    const flat = shard.slots as number[];
    const slots: Array<readonly [number, number]> = [];
    for (let i = 0; i < flat.length; i += 2) slots.push([flat[i], flat[i + 1]]);
    const nodes = (shard.nodes as unknown[]).map((n) => flatMap(n) as unknown as ShardNode);
    return { slots, nodes };
  });
}

/** the ranges cover 0..16383 with no gap and no overlap */
export function coveredOnce(ranges: ReadonlyArray<readonly [number, number]>): boolean {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let next = 0;
  for (const [a, b] of sorted) {
    if (a !== next || b < a) return false;
    next = b + 1;
  }
  return next === 16384;
}
