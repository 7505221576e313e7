/**
 * One fault schedule on the in-process cluster: start a cluster for a seed, run concurrent
 * clients while the nemesis injects faults, then heal, restart every node, force convergence
 * (every key read through a coordinator with R=N, which read-repairs the home replicas, while
 * the clock moves on for hinted handoff) and check the history against every replica.
 * Deterministic for (seed, shape, opLimit).
 */
import { mulberry32 } from '../../lib/util/rng';
import type { VRecord } from '../../lib/versioning/types';
import { SimCluster } from '../cluster/sim-cluster';
import { checkHistory, type KeyState, type ReplicaState, type Verdict } from './checker';
import { History } from './history';
import { Nemesis } from './sim-nemesis';
import { drive, simClient, type ClientRun } from './sim-clients';

export interface SimShape {
  readonly nodes: number;
  readonly replicas: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly clientsPerNode: number;
  readonly keys: number;
  /** ms of simulated time under faults */
  readonly faultMs: number;
  /** ms between nemesis steps */
  readonly nemesisEveryMs: number;
  readonly maxDown: number;
  /** crashes that are OS crashes, more than a second apart (each node syncs its store every second); default 0 */
  readonly osCrashes?: number;
  /** sign versions in a new epoch after an OS crash (default true; false shows what epochs prevent) */
  readonly epochs?: boolean;
}

/** the fault suite's shapes: 5 nodes (two may be down at once) and 3 nodes (one) */
export const FIVE_NODES: SimShape = {
  nodes: 5, replicas: 3, readQuorum: 2, writeQuorum: 2,
  clientsPerNode: 2, keys: 4, faultMs: 3000, nemesisEveryMs: 200, maxDown: 2,
};
export const THREE_NODES: SimShape = { ...FIVE_NODES, nodes: 3, clientsPerNode: 3, maxDown: 1 };

export interface SimOutcome {
  readonly seed: number;
  readonly history: History;
  readonly nemesis: Nemesis;
  readonly finals: readonly KeyState[];
  readonly verdict: Verdict;
  /** convergence rounds needed (-1: not converged within the cap) */
  readonly rounds: number;
}

const STEP_MS = 5;
const MAX_ROUNDS = 10;
/** a round covers a hinted-handoff interval (1000 ms) */
const ROUND_MS = 1100;

export async function runSimSchedule(seed: number, shape: SimShape, opLimit = Infinity): Promise<SimOutcome> {
  const sim = await SimCluster.start({
    nodes: shape.nodes, seed, replicas: shape.replicas, readQuorum: shape.readQuorum, writeQuorum: shape.writeQuorum,
    ...((shape.osCrashes ?? 0) > 0 ? { syncEveryMs: 1000, epochs: shape.epochs } : {}),
  });
  try {
    await sim.settle();
    const history = new History();
    const keys = Array.from({ length: shape.keys }, (_, i) => `k${i}`);
    const run: ClientRun = { sim, history, keys, rng: sim.rng, clientTimeout: 1000, opLimit, stopped: false };
    const clients: Array<Promise<void>> = [];
    for (let node = 0; node < shape.nodes; node++) {
      for (let j = 0; j < shape.clientsPerNode; j++) clients.push(simClient(run, clients.length, node));
    }
    const nemesis = new Nemesis(sim, mulberry32((seed * 2654435761) >>> 0), { maxDown: shape.maxDown, maxDrop: 0.25, maxDelay: 40, osCrashes: shape.osCrashes });
    for (let t = 0; t < shape.faultMs; t += STEP_MS) {
      if (t > 0 && t % shape.nemesisEveryMs === 0) await nemesis.step();
      await sim.pass(STEP_MS);
    }
    run.stopped = true;
    await drive(sim, Promise.all(clients), 2 * run.clientTimeout);
    history.closeOut();
    await nemesis.healAll();
    await sim.settle();
    const { finals, rounds } = await converge(sim, keys, shape.replicas);
    return { seed, history, nemesis, finals, verdict: checkHistory(history.ops, finals), rounds };
  } finally {
    await sim.stop();
  }
}

/** read every key with R=N through each of its home replicas until the replicas agree (or a cap) */
async function converge(sim: SimCluster, keys: readonly string[], n: number): Promise<{ finals: KeyState[]; rounds: number }> {
  let finals: KeyState[] = [];
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    for (const key of keys) {
      const coordinator = sim.indexOf(sim.preferenceList(Buffer.from(key))[round % n]!);
      await drive(sim, sim.kv(coordinator).read(Buffer.from(key), { r: n }), 2000);
    }
    await sim.pass(ROUND_MS);
    finals = await snapshot(sim, keys);
    const unsettled = checkHistory([], finals).anomalies.filter((a) => a.kind === 'diverged' || a.kind === 'stranded');
    if (unsettled.length === 0) return { finals, rounds: round };
  }
  return { finals, rounds: -1 };
}

/** every node's own replica of every key */
export async function snapshot(sim: SimCluster, keys: readonly string[]): Promise<KeyState[]> {
  const out: KeyState[] = [];
  for (const key of keys) {
    const home = new Set(sim.preferenceList(Buffer.from(key)));
    const recs = await sim.replicas(Buffer.from(key));
    out.push({ key, replicas: recs.map((rec, i) => replicaState(sim.ids[i]!, home.has(sim.ids[i]!), rec)) });
  }
  return out;
}

function replicaState(node: string, home: boolean, rec: VRecord | null): ReplicaState {
  if (rec === null) return { node, home, siblings: null, vv: null };
  const siblings = rec.siblings.map((s) => ({
    value: s.payload.kind === 'bytes' ? s.payload.data.toString() : s.payload.kind === 'counter' ? '<counter>' : null,
    dot: s.dot,
  }));
  return { node, home, siblings, vv: rec.vv };
}
