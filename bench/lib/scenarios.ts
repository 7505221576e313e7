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
}

const SET_GET = ['set', 'get'];
const P1: StepSpec = { label: 'P1', tests: SET_GET, clients: 50, pipeline: 1, requests: 100_000, quickRequests: 10_000, dataSize: 100, keyspace: 100_000 };
const P16: StepSpec = { ...P1, label: 'P16', pipeline: 16, requests: 200_000, quickRequests: 20_000 };

const REDIS: TargetSpec = { name: 'redis', nodes: [{ kind: 'redis' }] };
const QUORUMKV: TargetSpec = { name: 'quorumkv', nodes: [{ kind: 'quorumkv' }] };

/** Three quorumkv nodes; nodes 2 and 3 find the cluster through node 1's peer port. */
const QUORUMKV_3: TargetSpec = {
  name: 'quorumkv-3',
  nodes: [0, 1, 2].map(() => ({
    kind: 'quorumkv' as const,
    directives: (ctx): Directives => (ctx.index === 0 ? {} : { seeds: `127.0.0.1:${ctx.ports[0] + 10000}` }),
  })),
  ready: async (port) => /cluster_known_nodes:3\b/.test((await probe(port, ['CLUSTER', 'INFO'], 1000)).text),
};

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
      { ...QUORUMKV, nodes: [{ kind: 'quorumkv', directives: () => ({ fsync: 'always' }) }] },
    ],
    steps: [P1, P16],
    rounds: 4,
    quickRounds: 1,
  },
  {
    name: 'cluster3',
    description: 'one redis-server vs a 3-node quorumkv cluster (N=3 R=2 W=2), one node as entry and cluster-routed',
    targets: [REDIS, QUORUMKV_3, { ...QUORUMKV_3, name: 'quorumkv-3-routed', cluster: true }],
    steps: [P1, P16],
    rounds: 2,
    quickRounds: 1,
  },
  {
    name: 'cluster3-one-down',
    description: 'one redis-server vs a 3-node quorumkv cluster with its third node stopped after start-up',
    targets: [REDIS, { ...QUORUMKV_3, name: 'quorumkv-3-down', stopAfterReady: [2] }],
    steps: [P1, P16],
    rounds: 2,
    quickRounds: 1,
    provisional: true,
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
