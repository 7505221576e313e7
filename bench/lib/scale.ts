// `npm run bench -- --scenario scale`: 1,000,000 keys into a 3-node quorumkv cluster. Reports the
// load rate, each node's RSS and heap (INFO memory) and on-disk bytes, and the ops/s of one
// workload on 10,000 and on 1,000,000 keys. The nodes keep their data in LevelDB, not in memory,
// so RSS should not grow with the key count; this records whether it does.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BenchArgs } from './args';
import type { Cleanup } from './cleanup';
import { gitInfo, machineInfo, type GitInfo, type MachineInfo } from './machine-info';
import { probe } from './resp-probe';
import { preloadSpec, type Output } from './scenario-runner';
import type { Scenario } from './scenarios';
import { launchTarget, type RunningTarget } from './target-launcher';
import { runWorkload, type WorkloadSpec } from './ycsb';

export interface NodeSnapshot {
  node: string;
  keys: number;
  rssBytes: number;
  heapBytes: number;
  diskBytes: number;
  /** share of the node's record lookups during the mix that its record cache answered (INFO storage) */
  cacheHitRate?: number;
}

export interface ScalePoint {
  keys: number;
  /** seconds waited after loading until the nodes were idle (LevelDB compactions done) */
  settleSeconds: number;
  /** node 1's anti-entropy exchanges, with replicas in sync, after the measurement */
  antiEntropy: AntiEntropyRound;
  /** the mix's ops/s (reads + updates) and latency percentiles in ms */
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  nodes: NodeSnapshot[];
}

export interface AntiEntropyRound {
  /** duration of the exchange (INFO antientropy_last_round_ms) */
  ms: number;
  /** slots found differing (0: in sync, only roots compared) */
  slots: number;
}

export interface ScaleRecord {
  date: string;
  scenario: 'scale';
  quick: boolean;
  durationSec: number;
  loadAverage: { start: number; end: number };
  machine: MachineInfo;
  git: GitInfo;
  servers: string[];
  workload: string;
  /** SETs per second while loading the large key space (replicated N=3) */
  loadRate: number;
  loadSeconds: number;
  small: ScalePoint;
  large: ScalePoint;
}

const SMALL = 10_000;
const LARGE = 1_000_000;
const VALUE = 100;

export async function runScale(scenario: Scenario, args: BenchArgs, root: string, cleanup: Cleanup, out: Output): Promise<ScaleRecord> {
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  const large = args.quick ? 100_000 : LARGE;
  const workDir = mkdtempSync(join(tmpdir(), 'quorumkv-bench-scale-'));
  cleanup.addDir(workDir);
  const spec = { ...scenario.targets[0], spread: true };
  const target = await launchTarget(spec, {
    root, workDir, portBase: args.portBase, taken: new Set(), startTimeoutMs: args.startTimeoutMs, cleanup,
  });
  out(`[1/5] ${target.servers.length} nodes up`);
  const timeout = Math.max(args.benchmarkTimeoutMs, 1_800_000);

  await runWorkload(preloadSpec(target.livePorts, SMALL, VALUE), timeout, cleanup);
  out(`[2/5] ${SMALL.toLocaleString('en-US')} keys loaded; measuring the mix on them`);
  const small = await measure(target, SMALL, args.quick, timeout, cleanup, await settle(target));
  out(`      ${Math.round(small.opsPerSec).toLocaleString('en-US')} ops/s, RSS ${mib(small.nodes.map((n) => n.rssBytes))} MiB`);

  const t0 = Date.now();
  const loaded = await runWorkload(preloadSpec(target.livePorts, large - SMALL, VALUE, SMALL), timeout, cleanup);
  const loadSeconds = (Date.now() - t0) / 1000;
  out(`[3/5] ${large.toLocaleString('en-US')} keys in all; loading took ${loadSeconds.toFixed(1)} s ` +
    `(${Math.round((large - SMALL) / loadSeconds).toLocaleString('en-US')} SET/s, ${loaded.errors} errors)`);
  out('[4/5] measuring the mix on the large key space');
  const big = await measure(target, large, args.quick, timeout, cleanup, await settle(target));
  out(`      ${Math.round(big.opsPerSec).toLocaleString('en-US')} ops/s, RSS ${mib(big.nodes.map((n) => n.rssBytes))} MiB`);
  out('[5/5] done');
  return {
    date: new Date(started).toISOString(), scenario: 'scale', quick: args.quick,
    durationSec: Math.round((Date.now() - started) / 1000),
    loadAverage: { start: round2(loadAtStart), end: round2(loadavg()[0]) },
    machine: machineInfo(), git: gitInfo(root), servers: [...target.commands],
    workload: describe(mixSpec(target.livePorts, SMALL, args.quick)),
    loadRate: (large - SMALL) / loadSeconds, loadSeconds, small, large: big,
  };
}

/** 50 connections × 16 in flight, 50% GET / 50% SET, keys uniform over the key space (so a large
 *  key space really is read from disk, not from a hot set). */
function mixSpec(ports: readonly number[], keys: number, quick: boolean): WorkloadSpec {
  return {
    phase: 'mix', ports, connections: 50, pipeline: 16, keys, valueSize: VALUE, readFraction: 0.5,
    distribution: 'uniform', seed: 7, warmupMs: 2000, durationMs: quick ? 3000 : 10_000,
  };
}

function describe(spec: WorkloadSpec): string {
  return `${spec.connections} connections x ${spec.pipeline} in flight, ${spec.readFraction * 100}% GET / ` +
    `${100 - spec.readFraction * 100}% SET of ${spec.valueSize}-byte values, keys ${spec.distribution}, ${spec.durationMs / 1000} s after ${spec.warmupMs / 1000} s warm-up`;
}

/**
 * Waits until the nodes are idle after a load (LevelDB compacts what was loaded in background
 * threads for a while): every node under 10% of a core over a 2 s sample, at most 180 s. So both
 * key spaces are measured in the steady state, not one of them while the store still compacts.
 */
async function settle(target: RunningTarget): Promise<number> {
  const started = Date.now();
  const ticks = (pid: number | undefined): number => {
    if (pid === undefined) return 0;
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(-400).split(') ').at(-1)!.split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, after the command name
  };
  const hz = 100;
  while (Date.now() - started < 180_000) {
    const before = target.servers.map((s) => ticks(s.pid));
    await new Promise((r) => setTimeout(r, 2000));
    const busiest = Math.max(...target.servers.map((s, i) => (ticks(s.pid) - before[i]!) / hz / 2));
    if (busiest < 0.1) break;
  }
  return Math.round((Date.now() - started) / 100) / 10;
}

/** waits for two more anti-entropy exchanges of node 1 and reports the last */
async function antiEntropyRound(port: number): Promise<AntiEntropyRound> {
  const field = async (name: string): Promise<number> =>
    Number(new RegExp(`^${name}:(\\d+)`, 'm').exec((await probe(port, ['INFO', 'antientropy'], 5000)).text)?.[1] ?? NaN);
  const first = await field('antientropy_rounds');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !((await field('antientropy_rounds')) >= first + 2)) await new Promise((r) => setTimeout(r, 500));
  return { ms: await field('antientropy_last_round_ms'), slots: await field('antientropy_last_round_slots') };
}

async function measure(target: RunningTarget, keys: number, quick: boolean, timeout: number, cleanup: Cleanup, settleSeconds: number): Promise<ScalePoint> {
  const cacheBefore = await Promise.all(target.servers.map((s) => cacheCounters(s.port)));
  const r = await runWorkload(mixSpec(target.livePorts, keys, quick), timeout, cleanup);
  const cacheAfter = await Promise.all(target.servers.map((s) => cacheCounters(s.port)));
  const both = [r.read, r.update];
  const weighted = (f: 'p50Ms' | 'p99Ms' | 'p999Ms'): number => Math.max(...both.map((o) => o[f]));
  const antiEntropy = await antiEntropyRound(target.servers[0]!.port);
  return {
    keys, settleSeconds, antiEntropy, opsPerSec: r.read.opsPerSec + r.update.opsPerSec,
    p50Ms: weighted('p50Ms'), p99Ms: weighted('p99Ms'), p999Ms: weighted('p999Ms'),
    nodes: await Promise.all(target.servers.map(async (s, i) => {
      const hits = cacheAfter[i]!.hits - cacheBefore[i]!.hits;
      const lookups = hits + cacheAfter[i]!.misses - cacheBefore[i]!.misses;
      return { ...(await snapshot(s.name, s.port, dirOf(target, s.name))), cacheHitRate: lookups > 0 ? hits / lookups : NaN };
    })),
  };
}

/** the node's record cache counters (INFO storage) */
async function cacheCounters(port: number): Promise<{ hits: number; misses: number }> {
  const info = (await probe(port, ['INFO', 'storage'], 5000)).text;
  const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return { hits: field('record_cache_hits'), misses: field('record_cache_misses') };
}

function dirOf(target: RunningTarget, name: string): string {
  const index = target.servers.findIndex((s) => s.name === name);
  const match = /--dir (\S+)/.exec(target.commands[index] ?? '');
  return match?.[1] ?? dirname(name);
}

async function snapshot(node: string, port: number, dir: string): Promise<NodeSnapshot> {
  const info = (await probe(port, ['INFO', 'memory'], 5000)).text;
  const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  // DBSIZE walks the node's LevelDB: slow at a million keys; a figure we can do without
  const keys = await probe(port, ['DBSIZE'], 120_000).then((r) => Number(r.text), () => NaN);
  const du = execFileSync('du', ['-sb', dir], { encoding: 'utf8' });
  return { node, keys, rssBytes: field('used_memory_rss'), heapBytes: field('used_memory_heap'), diskBytes: Number(du.split(/\s/)[0]) };
}

function mib(bytes: readonly number[]): string {
  return bytes.map((b) => (b / 1048576).toFixed(0)).join(' / ');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
