// Systems a benchmark runs against, described as data: a target is one or more nodes of a kind,
// plus how redis-benchmark reaches it. Adding a cluster, a durability mode or a stopped node is
// a few lines of a TargetSpec (see scenarios.ts); launching is generic (target-launcher.ts).

import { join } from 'node:path';
import type { LaunchCommand, ReadyCheck } from './server-process';
import { shellJoin } from './server-process';

export type NodeKind = 'redis' | 'quorumkv';

/** What a node's directives may depend on: its own and its siblings' ports, its directory. */
export interface NodeContext {
  index: number;
  /** client ports of every node of the target, by index */
  ports: readonly number[];
  dir: string;
  /** repository root: conf files and bin/ are relative to it */
  root: string;
}

export type Directives = Record<string, string>;

export interface NodeSpec {
  kind: NodeKind;
  /** config file relative to the repository root, passed before the --directives */
  conf?: string;
  /** overrides of the kind's default directives (redis.conf names, without '--') */
  directives?: (ctx: NodeContext) => Directives;
}

export interface TargetSpec {
  /** short name used in tables and as the results key: "redis", "quorumkv", ... */
  name: string;
  nodes: readonly NodeSpec[];
  /** node redis-benchmark connects to (default 0) */
  entry?: number;
  /** pass --cluster to redis-benchmark (client-side slot routing) */
  cluster?: boolean;
  /** condition each node must meet after PING before the benchmark starts */
  ready?: ReadyCheck;
  /** nodes to stop once all are ready (e.g. [2]: benchmark with one node down) */
  stopAfterReady?: readonly number[];
  /** condition every remaining node must meet after those nodes were stopped */
  readyAfterStop?: ReadyCheck;
  /** the load generator spreads its connections over every running node (not only the entry) */
  spread?: boolean;
}

interface KindSpec {
  /** port offsets the node listens on: 0 for the client port, +10000 for quorumkv's peer port */
  portOffsets: readonly number[];
  defaults: (ctx: NodeContext) => Directives;
  command: (ctx: NodeContext, conf: string | undefined, directives: Directives) => LaunchCommand;
}

const KINDS: Record<NodeKind, KindSpec> = {
  redis: {
    portOffsets: [0],
    defaults: (ctx) => ({ port: String(ctx.ports[ctx.index]), dir: ctx.dir, save: '', appendonly: 'no' }),
    command: (ctx, conf, directives) => launch('redis-server', [], ctx, conf, directives),
  },
  quorumkv: {
    portOffsets: [0, 10000],
    defaults: (ctx) => ({
      port: String(ctx.ports[ctx.index]),
      dir: ctx.dir,
      'node-id': `bench${ctx.index + 1}`,
      fsync: 'everysec',
      loglevel: 'warning',
    }),
    command: (ctx, conf, directives) => launch('node', ['bin/quorumkv-server'], ctx, conf, directives),
  },
};

export function portOffsets(kind: NodeKind): readonly number[] {
  return KINDS[kind].portOffsets;
}

/** The command line that starts node `ctx.index` of a target. */
export function nodeCommand(spec: NodeSpec, ctx: NodeContext): LaunchCommand {
  const kind = KINDS[spec.kind];
  const directives = { ...kind.defaults(ctx), ...(spec.directives?.(ctx) ?? {}) };
  return kind.command(ctx, spec.conf, directives);
}

function launch(program: string, programArgs: readonly string[], ctx: NodeContext, conf: string | undefined, directives: Directives): LaunchCommand {
  const args = [...programArgs, ...(conf === undefined ? [] : [conf])];
  for (const [name, value] of Object.entries(directives)) args.push(`--${name}`, value);
  const file = program === 'node' ? process.execPath : program;
  const absolute = program === 'node' ? args.map((a, i) => (i === 0 ? join(ctx.root, a) : a)) : args;
  return { file, args: absolute, display: shellJoin([program, ...args]) };
}

/** Harness check: the same target with every quorumkv node replaced by a plain redis-server. */
export function withRedisStandIn(target: TargetSpec): TargetSpec {
  return { ...target, ready: undefined, readyAfterStop: undefined, cluster: false, nodes: target.nodes.map(() => ({ kind: 'redis' as const })) };
}
