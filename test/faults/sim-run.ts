/**
 * One fault schedule on the in-process cluster: start a cluster for a seed, run concurrent
 * clients while the nemesis injects faults, then heal, restart every node, force convergence
 * (every key read through a coordinator with R=N, which read-repairs the home replicas, while
 * the clock moves on for hinted handoff) and check the history against every replica. Then,
 * when that passed, tombstone GC runs on every node (the grace period is short here) and the keys
 * are read through every home replica again: each key must show the live values it showed before,
 * and a key whose record was reaped must stay gone (a deleted value coming back would be a
 * resurrection, a live value missing a loss); KEYS must list exactly the keys GET shows.
 * Deterministic for (seed, shape, opLimit).
 */
import { mulberry32 } from '../../lib/util/rng';
import type { VRecord } from '../../lib/versioning/types';
import { mergeAll, visible } from '../../lib/versioning';
import { SimCluster } from '../cluster/sim-cluster';
import { checkHistory, type Anomaly, type KeyState, type ReplicaState, type Verdict } from './checker';
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
  /** records tombstone GC reaped after the check (all nodes together) */
  readonly reaped: number;
}

const STEP_MS = 5;
/** tombstone GC's grace period in these runs: no sweep runs before the check, so only its phase uses it */
const GC_GRACE_MS = 2000;
const MAX_ROUNDS = 10;
/** a round covers a hinted-handoff interval (1000 ms) */
const ROUND_MS = 1100;

export async function runSimSchedule(seed: number, shape: SimShape, opLimit = Infinity): Promise<SimOutcome> {
  const sim = await SimCluster.start({
    nodes: shape.nodes, seed, replicas: shape.replicas, readQuorum: shape.readQuorum, writeQuorum: shape.writeQuorum,
    tombstoneGraceMs: GC_GRACE_MS,
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
    const verdict = checkHistory(history.ops, finals);
    if (!verdict.ok || rounds < 0) return { seed, history, nemesis, finals, verdict, rounds, reaped: 0 };
    const gc = await afterGc(sim, keys, shape.replicas, finals);
    const anomalies = [...verdict.anomalies, ...gc.anomalies];
    return { seed, history, nemesis, finals, verdict: { ...verdict, ok: anomalies.length === 0, anomalies }, rounds, reaped: gc.reaped };
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

/** the live values (sorted) the key's home replicas hold; all agree after convergence */
function liveValues(ks: KeyState): string[] {
  const home = ks.replicas.find((r) => r.home && r.siblings !== null);
  return (home?.siblings ?? []).filter((s) => s.value !== null).map((s) => s.value!).sort();
}

/** tombstone GC on every node, then reads through every home replica: nothing live changes */
async function afterGc(sim: SimCluster, keys: readonly string[], n: number, before: readonly KeyState[]): Promise<{ reaped: number; anomalies: Anomaly[] }> {
  await sim.pass(GC_GRACE_MS);
  let reaped = await sim.sweepAll();
  await sim.pass(200); // the deletes a check handed to members that lacked them have landed
  reaped += await sim.sweepAll();
  for (let round = 0; round < n; round++) {
    for (const key of keys) {
      const coordinator = sim.indexOf(sim.preferenceList(Buffer.from(key))[round]!);
      await drive(sim, sim.kv(coordinator).read(Buffer.from(key), { r: n }), 2000);
    }
    await sim.pass(ROUND_MS);
  }
  const after = await snapshot(sim, keys);
  const anomalies: Anomaly[] = [];
  // KEYS merges every node's copies, leftovers outside a key's list included: it must agree
  const listed = new Set<string>();
  let cursor = 0;
  do {
    const page = await sim.run(sim.kv(0).scan(cursor, 1000, sim.clock.now()));
    for (const k of page.keys) listed.add(k.toString());
    cursor = page.next;
  } while (cursor !== 0);
  for (const [i, ks] of after.entries()) {
    const was = liveValues(before[i]!);
    const now = liveValues(ks);
    const back = now.filter((v) => !was.includes(v));
    const gone = was.filter((v) => !now.includes(v));
    if (back.length > 0) anomalies.push({ kind: 'resurrected', key: ks.key, ops: [], detail: `after tombstone GC: ${back.join(', ')} live again (before: ${was.join(', ') || 'none'})` });
    if (gone.length > 0) anomalies.push({ kind: 'lost', key: ks.key, ops: [], detail: `after tombstone GC: ${gone.join(', ')} gone (now: ${now.join(', ') || 'none'})` });
    // what GET shows: the home replicas' records merged (they agree), its latest sibling if live
    const home = new Set(sim.preferenceList(Buffer.from(ks.key)));
    const recs = (await sim.replicas(Buffer.from(ks.key))).filter((r, j): r is VRecord => r !== null && home.has(sim.ids[j]!));
    const shown = visible(mergeAll(recs), sim.clock.now()) !== undefined;
    if (listed.has(ks.key) !== shown) {
      const kind = listed.has(ks.key) ? 'resurrected' : 'lost';
      anomalies.push({ kind, key: ks.key, ops: [], detail: `after tombstone GC: KEYS ${listed.has(ks.key) ? 'lists' : 'misses'} it, GET ${shown ? 'shows' : 'does not show'} it` });
    }
  }
  return { reaped, anomalies };
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
