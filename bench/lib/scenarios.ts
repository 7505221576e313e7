// The scenario table: which targets run side by side and which redis-benchmark steps they get.
// The first target of a scenario is the baseline; every other target is reported as a ratio to it.

import { probe } from './resp-probe';
import type { Directives, TargetSpec } from './targets';

export interface StepSpec {
  /** row label, e.g. "P1" */
  label: string;
  tests: readonly string[];
  clients: number;
  pipeline: number;
  /** -n for a full run and for --quick */
  requests: number;
  quickRequests: number;
  dataSize: number;
  /** -r: random keys drawn from this many */
  keyspace: number;
  /** set: the step runs the YCSB-style generator (ycsb.ts) instead of redis-benchmark; `tests`,
   *  `requests` and `quickRequests` are then unused, `keyspace` is the preloaded key count */
  mix?: MixSpec;
}

export interface MixSpec {
  /** fraction of GETs; the rest are SETs of existing keys (YCSB "update") */
  readFraction: number;
  distribution: 'zipfian' | 'uniform';
  /** measured seconds (after 1 s of warm-up not measured), full run and --quick */
  durationSec: number;
  quickDurationSec: number;
}

export interface Scenario {
  name: string;
  description: string;
  targets: readonly TargetSpec[];
  steps: readonly StepSpec[];
  /** each round runs every step on every target once; figures are medians over rounds. Even
   *  counts balance the alternating order exactly. */
  rounds: number;
  quickRounds: number;
  /** true: not yet checked against a real quorumkv cluster */
  provisional?: boolean;
  /** keys the generator SETs (keys 0..n-1, `dataSize` bytes) on every target before round 1 */
  preload?: number;
  /** false: only with --scenario NAME, not in the default set of `npm run bench` */
  inDefault?: boolean;
  /** also write bench/results/<name>.md (the latest.md section of this scenario alone) */
  markdown?: boolean;
  /** runs its own phases (bench/lib/<name>.ts) instead of redis-benchmark steps; `targets` and
   *  `steps` are then empty */
  phased?: boolean;
}

const SET_GET = ['set', 'get'];
const P1: StepSpec = { label: 'P1', tests: SET_GET, clients: 50, pipeline: 1, requests: 100_000, quickRequests: 10_000, dataSize: 100, keyspace: 100_000 };
const P16: StepSpec = { ...P1, label: 'P16', pipeline: 16, requests: 200_000, quickRequests: 20_000 };

/** The cluster and durable steps: the same shape, fewer requests (those targets run at a tenth of
 *  redis's rate; the default set must stay under 10 minutes). */
const C1: StepSpec = { ...P1, requests: 40_000, quickRequests: 5_000 };
const C16: StepSpec = { ...P16, requests: 80_000, quickRequests: 10_000 };

/** YCSB workloads A (update heavy, 50/50) and B (read mostly, 95/5) over 100,000 preloaded keys
 *  with Zipfian popularity; 50 connections, 1 and 16 requests in flight each. */
const MIX_KEYS = 100_000;
const mixStep = (label: string, readFraction: number, pipeline: number): StepSpec => ({
  label, tests: [], clients: 50, pipeline, requests: 0, quickRequests: 0, dataSize: 100, keyspace: MIX_KEYS,
  mix: { readFraction, distribution: 'zipfian', durationSec: 5, quickDurationSec: 2 },
});

const REDIS: TargetSpec = { name: 'redis', nodes: [{ kind: 'redis' }] };
const QUORUMKV: TargetSpec = { name: 'quorumkv', nodes: [{ kind: 'quorumkv' }] };

/** `size` quorumkv nodes; nodes 2.. find the cluster through node 1's peer port; ready once
 *  every node knows all of them. */
function quorumkvCluster(size: number): TargetSpec {
  return {
    name: `quorumkv-${size}`,
    nodes: Array.from({ length: size }, () => ({
      kind: 'quorumkv' as const,
      directives: (ctx): Directives => (ctx.index === 0 ? {} : { seeds: `127.0.0.1:${ctx.ports[0] + 10000}` }),
    })),
    ready: async (port) => new RegExp(`cluster_known_nodes:${size}\\b`).test((await probe(port, ['CLUSTER', 'INFO'], 1000)).text),
  };
}

const QUORUMKV_3 = quorumkvCluster(3);

/** Five quorumkv nodes (N=3): a node holds 3 of 5 keys' replicas, so through one node the other
 *  2 of 5 are forwarded one hop to a coordinator, and cluster routing saves that hop. */
const QUORUMKV_5 = quorumkvCluster(5);

/** After a node is stopped: the survivors' failure detectors hold it down (slots in pfail), so the
 *  benchmark measures the steady state with a node down, not the detection. */
const oneNodeDown = async (port: number): Promise<boolean> =>
  /cluster_slots_pfail:[1-9]/.test((await probe(port, ['CLUSTER', 'INFO'], 1000)).text);

/** A target is ready for the durable scenario once INFO says its fsync mode is `always`. */
const fsyncAlways = async (port: number): Promise<boolean> => /fsync:always\b/.test((await probe(port, ['INFO', 'persistence'], 1000)).text);

/** The 3-node cluster with every node's `fsync` set to `mode` (checked in INFO before the run). */
const cluster3Fsync = (mode: string): TargetSpec => ({
  name: `quorumkv-3-${mode}`,
  nodes: QUORUMKV_3.nodes.map((n) => ({ ...n, directives: (ctx): Directives => ({ ...n.directives?.(ctx), fsync: mode }) })),
  ready: async (port) => (await QUORUMKV_3.ready?.(port)) === true &&
    new RegExp(`fsync:${mode}\\b`).test((await probe(port, ['INFO', 'persistence'], 1000)).text),
});

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'single',
    description: 'one redis-server (no persistence) vs one quorumkv node (fsync everysec)',
    targets: [REDIS, QUORUMKV],
    steps: [P1, P16],
    rounds: 4,
    quickRounds: 1,
  },
  {
    name: 'durable',
    description: 'redis appendonly + appendfsync always vs a quorumkv node with fsync always',
    targets: [
      { ...REDIS, nodes: [{ kind: 'redis', directives: () => ({ appendonly: 'yes', appendfsync: 'always' }) }] },
      { ...QUORUMKV, nodes: [{ kind: 'quorumkv', directives: () => ({ fsync: 'always' }) }], ready: fsyncAlways },
    ],
    steps: [C1, C16],
    rounds: 2,
    quickRounds: 1,
  },
  {
    name: 'cluster3',
    description: 'one redis-server vs a 3-node quorumkv cluster (N=3 R=2 W=2), one node as entry and cluster-routed',
    targets: [REDIS, QUORUMKV_3, { ...QUORUMKV_3, name: 'quorumkv-3-routed', cluster: true }],
    steps: [C1, C16],
    rounds: 2,
    quickRounds: 1,
  },
  {
    name: 'cluster3-one-down',
    description: 'one redis-server vs a 3-node quorumkv cluster with its third node stopped after start-up',
    targets: [REDIS, { ...QUORUMKV_3, name: 'quorumkv-3-down', stopAfterReady: [2], readyAfterStop: oneNodeDown }],
    steps: [C1, C16],
    rounds: 2,
    quickRounds: 1,
  },
  {
    name: 'ycsb',
    description: 'YCSB A (50/50 read/update) and B (95/5), Zipfian keys, load generator: one redis-server vs a 3-node quorumkv cluster, connections spread over its nodes',
    targets: [REDIS, { ...QUORUMKV_3, name: 'quorumkv-3', spread: true }],
    steps: [mixStep('A-P1', 0.5, 1), mixStep('B-P1', 0.95, 1), mixStep('A-P16', 0.5, 16), mixStep('B-P16', 0.95, 16)],
    rounds: 2,
    quickRounds: 1,
    preload: MIX_KEYS,
  },
  {
    name: 'durability',
    description: 'each durability mode: redis appendonly + appendfsync always vs 3-node quorumkv clusters (N=3 R=2 W=2) with fsync everysec, coordinator and always',
    targets: [
      { ...REDIS, name: 'redis-aof-always', nodes: [{ kind: 'redis', directives: () => ({ appendonly: 'yes', appendfsync: 'always' }) }] },
      cluster3Fsync('everysec'),
      cluster3Fsync('coordinator'),
      cluster3Fsync('always'),
    ],
    steps: [C1, C16],
    rounds: 2,
    quickRounds: 1,
    inDefault: false,
    markdown: true,
  },
  {
    name: 'failover',
    description: '5-node cluster (N=3 R=2 W=2) under a steady 2,000 SET/s: node 5 paused (SIGSTOP) until ~10,000 hints pile up, then resumed; route-around time and p99.9 during the hint drain vs quiet (bench/lib/failover.ts)',
    targets: [],
    steps: [],
    rounds: 1,
    quickRounds: 1,
    inDefault: false,
    phased: true,
  },
  {
    name: 'catchup',
    description: '3-node cluster, hinted-handoff no: node 3 misses 50,000 keys and catches up by anti-entropy under a steady 2,000 SET/s, background controller on and off; p99.9 during catch-up vs in sync (bench/lib/catchup.ts)',
    targets: [],
    steps: [],
    rounds: 1,
    quickRounds: 1,
    inDefault: false,
    phased: true,
  },
  {
    name: 'routed5',
    description: 'a 5-node quorumkv cluster (N=3 R=2 W=2): the load through node 1 (2 of 5 keys forwarded one hop) and redis-benchmark --cluster-routed to each key\'s coordinator',
    targets: [REDIS, QUORUMKV_5, { ...QUORUMKV_5, name: 'quorumkv-5-routed', cluster: true }],
    steps: [C1, C16],
    rounds: 2,
    quickRounds: 1,
    inDefault: false,
  },
  {
    name: 'scale',
    description: '1,000,000 keys into a 3-node quorumkv cluster: load rate, RSS and heap per node, disk bytes per key, ops/s at 10,000 vs 1,000,000 keys (bench/lib/scale.ts)',
    targets: [QUORUMKV_3],
    steps: [],
    rounds: 1,
    quickRounds: 1,
    inDefault: false,
  },
];

/** What `npm run bench` runs without --scenario. */
export function defaultScenarios(): Scenario[] {
  return SCENARIOS.filter((s) => s.inDefault !== false);
}

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
