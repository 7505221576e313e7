// Runs a scenario: starts every target, then for each round and step runs redis-benchmark against
// each target in turn (order reversed every other round, so neither side always goes first on
// this shared, noisy machine), and gathers the figures into a RunRecord.

import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchArgs } from './args';
import type { Cleanup } from './cleanup';
import { gitInfo, machineInfo } from './machine-info';
import { benchmarkArgs, runBenchmark } from './redis-benchmark';
import type { RunRecord } from './run-record';
import type { MixSpec, Scenario, StepSpec } from './scenarios';
import { shellJoin } from './server-process';
import { summarize, type Sample } from './summary';
import { assertRunning, checkLaunchable, launchTarget, type RunningTarget } from './target-launcher';
import { withRedisStandIn } from './targets';
import { runWorkload, workloadFigures, type WorkloadSpec } from './ycsb';

export type Output = (line: string) => void;

export async function runScenario(scenario: Scenario, args: BenchArgs, root: string, cleanup: Cleanup, out: Output): Promise<RunRecord> {
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  const workDir = mkdtempSync(join(tmpdir(), 'quorumkv-bench-run-'));
  cleanup.addDir(workDir);
  const specs = scenario.targets.map((t) =>
    args.sut === 'redis' && t.nodes.some((n) => n.kind === 'quorumkv') ? withRedisStandIn(t) : t);

  for (const spec of specs) checkLaunchable(spec, root);
  const taken = new Set<number>();
  const targets: RunningTarget[] = [];
  for (const spec of specs) {
    const t0 = Date.now();
    const target = await launchTarget(spec, {
      root, workDir, portBase: args.portBase, taken, startTimeoutMs: args.startTimeoutMs, cleanup,
    });
    targets.push(target);
    out(`${spec.name}: ${target.commands.length} node(s) up in ${seconds(Date.now() - t0)}, benchmark port ${target.entryPort}`);
  }

  if (scenario.preload !== undefined) {
    const dataSize = scenario.steps[0]?.dataSize ?? 100;
    for (const target of targets) {
      const t0 = Date.now();
      const loaded = await runWorkload(preloadSpec(target.livePorts, scenario.preload, dataSize), args.benchmarkTimeoutMs, cleanup);
      out(`${target.spec.name}: ${scenario.preload.toLocaleString('en-US')} keys loaded in ${seconds(Date.now() - t0)} ` +
        `(${Math.round(loaded.update.opsPerSec).toLocaleString('en-US')} SET/s, ${loaded.errors} errors${loaded.firstError === undefined ? '' : `, the first: ${loaded.firstError}`})`);
    }
  }

  const rounds = args.rounds ?? (args.quick ? scenario.quickRounds : scenario.rounds);
  const total = rounds * scenario.steps.length * targets.length;
  const samples: Sample[] = [];
  const benchmarks: Record<string, Record<string, string>> = {};
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const step of scenario.steps) {
      const requests = args.requests ?? (args.quick ? step.quickRequests : step.requests);
      for (const target of order) {
        assertRunning(target);
        const t0 = Date.now();
        let results;
        if (step.mix === undefined) {
          const argv = benchmarkArgs(step, target.entryPort, requests, target.spec.cluster === true ? target.spec.nodes.length : null);
          (benchmarks[step.label] ??= {})[target.spec.name] = shellJoin(['redis-benchmark', ...argv]);
          results = await runBenchmark(argv, args.benchmarkTimeoutMs, cleanup);
        } else {
          const spec = mixSpec(step, step.mix, target.livePorts, args.quick, round);
          (benchmarks[step.label] ??= {})[target.spec.name] = `bench/lib/ycsb/worker ${JSON.stringify(spec)}`;
          results = workloadFigures(await runWorkload(spec, args.benchmarkTimeoutMs, cleanup));
        }
        for (const figures of results) samples.push({ round, step: step.label, target: target.spec.name, figures });
        done++;
        const figures = results.map((f) => `${f.test} ${Math.round(f.opsPerSec).toLocaleString('en-US')} ops/s p99.9 ${f.p999Ms.toFixed(3)} ms`);
        out(`[${String(done).padStart(String(total).length)}/${total}] round ${round + 1}/${rounds} ${step.label.padEnd(4)} ` +
          `${target.spec.name.padEnd(Math.max(...targets.map((t) => t.spec.name.length)))}  ${figures.join('  ')}  (${seconds(Date.now() - t0)})`);
      }
    }
  }

  const record: RunRecord = {
    date: new Date(started).toISOString(),
    scenario: scenario.name,
    description: scenario.description,
    quick: args.quick,
    standIn: args.sut === 'redis',
    rounds,
    durationSec: Math.round((Date.now() - started) / 1000),
    loadAverage: { start: round2(loadAtStart), end: round2(loadavg()[0]) },
    machine: machineInfo(),
    git: gitInfo(root),
    servers: Object.fromEntries(targets.map((t) => [t.spec.name, [...t.commands]])),
    benchmarks,
    summary: summarize(samples, scenario.steps.map((s) => s.label), targets.map((t) => t.spec.name)),
    samples,
  };
  return record;
}

/** SET keys 0..keys-1 once, 50 connections, 4 in flight each (more makes quorumkv's quorum
 *  waits run past request-timeout on this 2-core machine). */
export function preloadSpec(ports: readonly number[], keys: number, dataSize: number, firstKey = 0): WorkloadSpec {
  return {
    phase: 'load', ports, connections: 50, pipeline: 4, keys, firstKey, valueSize: dataSize, readFraction: 0,
    distribution: 'uniform', seed: 1, warmupMs: 0, durationMs: 0,
  };
}

function mixSpec(step: StepSpec, mix: MixSpec, ports: readonly number[], quick: boolean, round: number): WorkloadSpec {
  return {
    phase: 'mix', ports, connections: step.clients, pipeline: step.pipeline, keys: step.keyspace, valueSize: step.dataSize,
    readFraction: mix.readFraction, distribution: mix.distribution, seed: 1000 + round,
    warmupMs: quick ? 500 : 1000, durationMs: (quick ? mix.quickDurationSec : mix.durationSec) * 1000,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
