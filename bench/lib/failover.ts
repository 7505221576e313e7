// `npm run bench -- --scenario failover`: a 5-node cluster (N=3 R=2 W=2, request-timeout 1000)
// under a steady SET load through nodes 1-4. Node 5 is paused (SIGSTOP) while writes pile up
// hints for it, then resumed (SIGCONT) while the hints drain. Measures how long requests stay slow
// after the stop (route-around) and the load's p99.9 during the drain against the quiet p99.9.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchArgs } from './args';
import type { Cleanup } from './cleanup';
import { routeAround, slowThresholdMs, timeline, windowStats, type RouteAround, type WindowStats } from './latency-windows';
import { field, info, sleep, startCluster, textField, type ClusterNode } from './live-cluster';
import { HeaderRecorder, type RunHeader } from './phase-record';
import type { Output } from './scenario-runner';
import { describeLoad, nowMs, SteadyLoad, type SteadySpec, type SteadySummary } from './steady-load';

export interface HintSample {
  /** seconds since the stop (SIGSTOP) */
  atSec: number;
  /** hints_pending summed over the live nodes (NaN: a node did not answer INFO in time) */
  hints: number;
  /** hints_pending of each live node */
  perNode: number[];
  /** background_budget_rps of each live node (sampled during the drain only) */
  budgetRps?: number[];
}

export interface FailoverRecord extends RunHeader {
  servers: string[];
  load: string;
  phases: { quietSec: number; stoppedSec: number; drainSec: number; drainComplete: boolean; tailSec: number };
  rateChanges: Array<{ atSec: number; ratePerSec: number }>;
  hintsAtCont: number;
  hintTarget: number;
  quiet: WindowStats;
  stopped: WindowStats;
  routeAround: RouteAround;
  /** the same with a threshold of half the request-timeout: requests that waited on the stopped node */
  stallAround: RouteAround;
  drain: WindowStats;
  tail: WindowStats;
  drainP999Ratio: number;
  /** 1-second windows from 2 s before the stop to 20 s after it (or the SIGCONT) */
  afterStop: Array<WindowStats & { atSec: number }>;
  /** 1-second windows from the SIGCONT to 15 s after it */
  afterCont: Array<WindowStats & { atSec: number }>;
  /** 10-second windows over the drain */
  drainTimeline: Array<WindowStats & { atSec: number }>;
  hintSamples: HintSample[];
  background: string;
  loadSummary: SteadySummary;
}

const NODES = 5;
const RATE = 2000;
const REQUEST_TIMEOUT_MS = 1000;

export async function runFailover(args: BenchArgs, root: string, cleanup: Cleanup, out: Output): Promise<FailoverRecord> {
  const q = args.quick;
  const plan = {
    warmupMs: 3000, quietMs: q ? 5000 : 10_000, minStoppedMs: q ? 5000 : 10_000, maxStoppedMs: q ? 30_000 : 60_000,
    hintTarget: q ? 3000 : 10_000, maxDrainMs: q ? 60_000 : 120_000, tailMs: q ? 3000 : 10_000,
  };
  const header = new HeaderRecorder('failover', q);
  const workDir = mkdtempSync(join(tmpdir(), 'quorumkv-bench-failover-'));
  cleanup.addDir(workDir);
  const nodes = await startCluster({
    root, workDir, portBase: args.portBase, nodes: NODES, startTimeoutMs: Math.max(args.startTimeoutMs, 30_000), cleanup,
    directives: () => ({ replicas: '3', 'read-quorum': '2', 'write-quorum': '2', 'request-timeout': String(REQUEST_TIMEOUT_MS) }),
  });
  const live = nodes.slice(0, NODES - 1);
  const victim = nodes[NODES - 1];
  out(`[1/5] ${NODES} nodes up; steady load ${RATE} SET/s through nodes 1-${NODES - 1}`);
  const spec: SteadySpec = {
    ports: live.map((n) => n.port), connections: 16, ratePerSec: RATE, keys: 100_000, keyPrefix: 'failover:',
    valueSize: 100, seed: 11, logPath: join(workDir, 'requests.bin'), drainMs: 5000,
  };
  const load = await SteadyLoad.start(spec, cleanup);
  header.mark('quiet');
  await sleep(plan.warmupMs + plan.quietMs);

  const stopAt = nowMs();
  await victim.signal('SIGSTOP');
  header.mark('stopped');
  out(`[2/5] ${victim.name} stopped (SIGSTOP); writing until ${plan.hintTarget.toLocaleString('en-US')} hints are pending`);
  const hintSamples: HintSample[] = [];
  const rateChanges: FailoverRecord['rateChanges'] = [];
  let rate = RATE;
  let hints = 0;
  let lastRaise = 0;
  for (;;) {
    await sleep(1000);
    const elapsed = nowMs() - stopAt;
    const perNode = await pendingHints(live);
    const pending = sum(perNode);
    hintSamples.push({ atSec: elapsed / 1000, hints: pending, perNode });
    if (Number.isFinite(pending)) hints = pending;
    if (hints >= plan.hintTarget && elapsed >= plan.minStoppedMs) break;
    if (elapsed >= plan.maxStoppedMs) break;
    // too slow to reach the target within the cap: double the rate (at most 4x, every 10 s)
    const projected = hints + (hints / elapsed) * (plan.maxStoppedMs - elapsed);
    if (elapsed >= 15_000 && elapsed - lastRaise >= 10_000 && projected < plan.hintTarget && rate < 4 * RATE) {
      rate *= 2;
      lastRaise = elapsed;
      load.setRate(rate);
      rateChanges.push({ atSec: elapsed / 1000, ratePerSec: rate });
      out(`      ${hints} hints after ${(elapsed / 1000).toFixed(0)} s: rate raised to ${rate} SET/s`);
    }
  }
  if (rate !== RATE) {
    load.setRate(RATE);
    rateChanges.push({ atSec: (nowMs() - stopAt) / 1000, ratePerSec: RATE });
  }

  const contAt = nowMs();
  await victim.signal('SIGCONT');
  header.mark('drain');
  const hintsAtCont = hints;
  out(`[3/5] ${hints.toLocaleString('en-US')} hints pending after ${((contAt - stopAt) / 1000).toFixed(1)} s; ${victim.name} resumed (SIGCONT), draining`);
  let drained = false;
  while (nowMs() - contAt < plan.maxDrainMs) {
    await sleep(1000);
    const [perNode, budgetRps] = await Promise.all([pendingHints(live), Promise.all(live.map(async (n) => budget(n)))]);
    const pending = sum(perNode);
    hintSamples.push({ atSec: (nowMs() - stopAt) / 1000, hints: pending, perNode, budgetRps });
    if (pending === 0) {
      drained = true;
      break;
    }
  }
  const drainedAt = nowMs();
  const background = await info(live[0].port, 'background').catch((e: Error) => `(INFO background failed: ${e.message})`);
  header.mark('tail');
  out(`[4/5] ${drained ? 'hints drained' : 'hints NOT drained (cap reached)'} after ${((drainedAt - contAt) / 1000).toFixed(1)} s; quiet tail`);
  await sleep(plan.tailMs);
  const endAt = nowMs();
  const { summary, log } = await load.stop();
  out(`[5/5] load stopped: ${summary.sent.toLocaleString('en-US')} sent, ${summary.ok.toLocaleString('en-US')} ok, ` +
    `${summary.errorReplies} error replies, ${summary.connectionsLost} lost, ${summary.noReply} unanswered`);

  const quietFrom = load.startedMs + plan.warmupMs;
  const quiet = windowStats(log, quietFrom, stopAt);
  const drain = windowStats(log, contAt, drainedAt);
  return {
    ...header.finish(root),
    servers: nodes.map((n) => n.command.display),
    load: describeLoad(spec),
    phases: {
      quietSec: (stopAt - quietFrom) / 1000, stoppedSec: (contAt - stopAt) / 1000, drainSec: (drainedAt - contAt) / 1000,
      drainComplete: drained, tailSec: (endAt - drainedAt) / 1000,
    },
    rateChanges, hintsAtCont, hintTarget: plan.hintTarget,
    quiet,
    stopped: windowStats(log, stopAt, contAt),
    routeAround: routeAround(log, stopAt, contAt, slowThresholdMs(quiet.p999Ms)),
    drain,
    tail: windowStats(log, drainedAt, endAt),
    drainP999Ratio: drain.p999Ms / quiet.p999Ms,
    stallAround: routeAround(log, stopAt, contAt, REQUEST_TIMEOUT_MS / 2),
    afterStop: relative(timeline(log, stopAt - 2000, Math.min(contAt, stopAt + 20_000), 1000), stopAt),
    afterCont: relative(timeline(log, contAt, Math.min(drainedAt, contAt + 15_000), 1000), contAt),
    drainTimeline: relative(timeline(log, contAt, drainedAt, 10_000), contAt),
    hintSamples, background, loadSummary: summary,
  };
}

function relative(rows: ReadonlyArray<WindowStats & { fromMs: number }>, zeroMs: number): Array<WindowStats & { atSec: number }> {
  return rows.map(({ fromMs, ...w }) => ({ ...w, atSec: Math.round((fromMs - zeroMs) / 1000) }));
}

/** hints_pending of each node; NaN for a node too busy to answer within 5 s (unknown, not zero) */
function pendingHints(nodes: readonly ClusterNode[]): Promise<number[]> {
  return Promise.all(nodes.map(async (n) => info(n.port, 'handoff', 5000).then((t) => field(t, 'hints_pending'), () => NaN)));
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

async function budget(node: ClusterNode): Promise<number> {
  const text = await info(node.port, 'background', 5000).catch(() => '');
  return textField(text, 'background_budget_rps') === '' ? NaN : field(text, 'background_budget_rps');
}
