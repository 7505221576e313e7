// `npm run bench -- --scenario catchup`: a 3-node cluster with hinted handoff off. Node 3 is killed,
// 50,000 keys are written through nodes 1-2, node 3 restarts and catches up by anti-entropy while a
// steady SET load runs through nodes 1-2 (not node 3: its reads would repair). Once node 3 holds
// every sampled key and anti-entropy went quiet, the same load runs on for a quiet phase. Once with
// the background controller on, once off (a fresh cluster each), side by side in one run.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchArgs } from './args';
import type { Cleanup } from './cleanup';
import { windowStats, type WindowStats } from './latency-windows';
import { field, info, sleep, startCluster, type ClusterNode } from './live-cluster';
import { HeaderRecorder, type RunHeader } from './phase-record';
import { probe } from './resp-probe';
import { preloadSpec, type Output } from './scenario-runner';
import { describeLoad, nowMs, SteadyLoad, type SteadySpec, type SteadySummary } from './steady-load';
import { runWorkload } from './ycsb';
import { keyOf } from './ycsb/workload';

export interface CatchupSample {
  /** seconds since node 3 was restarted */
  atSec: number;
  /** sampled keys node 3 holds */
  present: number;
  /** antientropy_keys_pushed + antientropy_keys_pulled summed over the nodes */
  aeKeys: number;
  /** background_budget_rps per node */
  budgetRps: number[];
}

export interface CatchupMode {
  controller: 'yes' | 'no';
  servers: string[];
  load: string;
  preload: { keys: number; seconds: number; errors: number; firstError?: string };
  /** restart → both other nodes no longer hold node 3 in pfail */
  seenUpSec: number;
  /** restart → every sampled key present on node 3 (NaN: not within the cap) */
  presentSec: number;
  /** restart → every sampled key present and anti-entropy quiet (SETTLED_KEYS_PER_POLL); the end of
   *  the catch-up window (NaN: not within the cap, the window then runs to the cap) */
  catchupSec: number;
  sampled: number;
  catchup: WindowStats;
  quiet: WindowStats;
  p999Ratio: number;
  aeKeysTotal: number;
  samples: CatchupSample[];
  background: string[];
  loadSummary: SteadySummary;
}

export interface CatchupRecord extends RunHeader {
  keys: number;
  modes: CatchupMode[];
}

const RATE = 2000;
const SAMPLED = 200;
/** anti-entropy counts as quiet once it moves at most this many keys between two polls (2 s):
 *  the steady load's writes keep it from reaching zero (a third replica's write in flight) */
export const SETTLED_KEYS_PER_POLL = 50;

export async function runCatchup(args: BenchArgs, root: string, cleanup: Cleanup, out: Output): Promise<CatchupRecord> {
  const header = new HeaderRecorder('catchup', args.quick);
  const keys = args.quick ? 10_000 : 50_000;
  const workDir = mkdtempSync(join(tmpdir(), 'quorumkv-bench-catchup-'));
  cleanup.addDir(workDir);
  const modes: CatchupMode[] = [];
  for (const controller of ['yes', 'no'] as const) {
    header.mark(`controller ${controller}`);
    modes.push(await runMode(controller, keys, args, root, join(workDir, `controller-${controller}`), cleanup, out));
  }
  return { ...header.finish(root), keys, modes };
}

async function runMode(controller: 'yes' | 'no', keys: number, args: BenchArgs, root: string, workDir: string, cleanup: Cleanup, out: Output): Promise<CatchupMode> {
  const q = args.quick;
  const plan = { warmupMs: 2000, maxCatchupMs: q ? 60_000 : 150_000, quietMs: q ? 5000 : 15_000, pollMs: 2000 };
  const tag = `[controller ${controller}]`;
  mkdirSync(workDir, { recursive: true });
  const nodes = await startCluster({
    root, workDir, portBase: args.portBase, nodes: 3, startTimeoutMs: Math.max(args.startTimeoutMs, 30_000), cleanup,
    directives: () => ({ 'hinted-handoff': 'no', 'anti-entropy-interval': '1000', 'background-controller': controller }),
  });
  const [, , lagging] = nodes;
  const entry = nodes.slice(0, 2);
  try {
    await lagging.signal('SIGKILL');
    const t0 = Date.now();
    const loaded = await runWorkload(preloadSpec(entry.map((n) => n.port), keys, 100), Math.max(args.benchmarkTimeoutMs, 600_000), cleanup);
    const preload = { keys, seconds: (Date.now() - t0) / 1000, errors: loaded.errors, ...(loaded.firstError === undefined ? {} : { firstError: loaded.firstError }) };
    out(`${tag} node 3 killed; ${keys.toLocaleString('en-US')} keys written through nodes 1-2 in ${preload.seconds.toFixed(1)} s (${loaded.errors} errors)`);

    const spec: SteadySpec = {
      ports: entry.map((n) => n.port), connections: 16, ratePerSec: RATE, keys: 100_000, keyPrefix: 'catchup:',
      valueSize: 100, seed: 13, logPath: join(workDir, 'requests.bin'), drainMs: 5000,
    };
    const load = await SteadyLoad.start(spec, cleanup);
    await sleep(plan.warmupMs);
    const restartAt = nowMs();
    lagging.spawn();
    await lagging.waitReady(30_000);
    await Promise.all(entry.map((n) => n.waitReady(60_000, async (p) => /cluster_slots_pfail:0\b/.test(await info(p, 'CLUSTER INFO')))));
    const seenUpSec = (nowMs() - restartAt) / 1000;
    out(`${tag} node 3 restarted; the others see it up after ${seenUpSec.toFixed(1)} s; steady load ${RATE} SET/s through nodes 1-2`);

    let missing = Array.from({ length: SAMPLED }, (_, i) => keyOf(Math.floor((i * keys) / SAMPLED) + 7));
    const samples: CatchupSample[] = [];
    let presentAt = NaN;
    let settledAt = NaN;
    let last: { at: number; aeKeys: number } | undefined;
    while (nowMs() - restartAt < plan.maxCatchupMs) {
      await sleep(plan.pollMs);
      missing = await stillMissing(lagging, missing);
      const [aeKeys, budgetRps] = await Promise.all([antiEntropyKeys(nodes), Promise.all(nodes.map(budget))]);
      const at = nowMs();
      samples.push({ atSec: (at - restartAt) / 1000, present: SAMPLED - missing.length, aeKeys, budgetRps });
      if (missing.length === 0 && Number.isNaN(presentAt)) {
        presentAt = at;
        out(`${tag} every sampled key on node 3 after ${((at - restartAt) / 1000).toFixed(1)} s; waiting for anti-entropy to go quiet`);
      }
      // caught up: every sampled key there and anti-entropy quiet since the previous poll,
      // so its work ended by then
      if (!Number.isNaN(presentAt) && last !== undefined && aeKeys - last.aeKeys <= SETTLED_KEYS_PER_POLL) {
        settledAt = Math.max(presentAt, last.at);
        break;
      }
      last = { at, aeKeys };
    }
    const caughtUp = !Number.isNaN(settledAt);
    if (!caughtUp) {
      out(`${tag} not caught up after ${plan.maxCatchupMs / 1000} s (cap): ${missing.length} of ${SAMPLED} sampled keys missing, ` +
        `anti-entropy ${Number.isNaN(presentAt) ? 'not checked' : 'still moving keys'}`);
    }
    const catchupEnd = caughtUp ? settledAt : nowMs();
    const background = await Promise.all(nodes.map(async (n) => info(n.port, 'background').catch((e: Error) => `(failed: ${e.message})`)));
    out(`${tag} quiet phase, ${plan.quietMs / 1000} s`);
    await sleep(plan.quietMs);
    const endAt = nowMs();
    const { summary, log } = await load.stop();
    const catchup = windowStats(log, restartAt, catchupEnd);
    const quiet = windowStats(log, catchupEnd, endAt);
    out(`${tag} p99.9 catching up ${catchup.p999Ms.toFixed(2)} ms, in sync ${quiet.p999Ms.toFixed(2)} ms (${(catchup.p999Ms / quiet.p999Ms).toFixed(2)}x); ` +
      `${summary.errorReplies + summary.connectionsLost + summary.noReply} failed requests`);
    return {
      controller, servers: nodes.map((n) => n.command.display), load: describeLoad(spec), preload, seenUpSec,
      presentSec: (presentAt - restartAt) / 1000, catchupSec: (settledAt - restartAt) / 1000, sampled: SAMPLED,
      catchup, quiet, p999Ratio: catchup.p999Ms / quiet.p999Ms, aeKeysTotal: samples.at(-1)?.aeKeys ?? NaN,
      samples, background, loadSummary: summary,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

/** The keys of `keys` that node's own replica does not hold. */
async function stillMissing(node: ClusterNode, keys: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const key of keys) {
    const reply = await probe(node.port, ['DEBUG', 'REPLICA', key], 5000).catch(() => undefined);
    if (reply === undefined || !replicaHasValue(reply.text)) missing.push(key);
  }
  return missing;
}

/** DEBUG REPLICA's raw reply is `[context, value...]`: a key the replica lacks is `[""]` (no
 *  value), one it holds has at least one value. Pure. */
export function replicaHasValue(raw: string): boolean {
  const count = /^\*(\d+)\r\n/.exec(raw);
  return count !== null && Number(count[1]) >= 2;
}

async function antiEntropyKeys(nodes: readonly ClusterNode[]): Promise<number> {
  const counts = await Promise.all(nodes.map(async (n) => {
    const text = await info(n.port, 'antientropy', 5000).catch(() => '');
    return field(text, 'antientropy_keys_pushed') + field(text, 'antientropy_keys_pulled');
  }));
  return counts.reduce((a, b) => a + b, 0);
}

async function budget(node: ClusterNode): Promise<number> {
  return field(await info(node.port, 'background', 5000).catch(() => ''), 'background_budget_rps');
}
