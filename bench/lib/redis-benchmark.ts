// Runs one redis-benchmark invocation and parses its figures.

import { spawn } from 'node:child_process';
import type { Cleanup } from './cleanup';
import { stopChild } from './cleanup';
import { parseBenchmarkOutput, type TestFigures } from './benchmark-output';
import { BenchError } from './errors';
import type { StepSpec } from './scenarios';

/**
 * The redis-benchmark arguments for `step` against 127.0.0.1:`port`; `clusterNodes` (routed runs
 * only) is how many nodes redis-benchmark --cluster sends to.
 *
 * With --cluster, redis-benchmark puts one hash tag per node into its keys (`key:{06S}:000000000042`,
 * a tag of a slot the node serves), so `-r R` makes R distinct keys per node, R x nodes in all. The
 * routed run gets `-r keyspace / nodes` so that it touches as many distinct keys as the same load
 * sent through one node: with `-r 100000` on three nodes its 300,000 keys outgrew a node's record
 * cache and most of its GETs asked LevelDB for keys never written.
 */
export function benchmarkArgs(step: StepSpec, port: number, requests: number, clusterNodes: number | null): string[] {
  const cluster = clusterNodes !== null;
  return [
    '-h', '127.0.0.1', '-p', String(port),
    '-t', step.tests.join(','),
    '-c', String(step.clients),
    '-n', String(requests),
    '-d', String(step.dataSize),
    '-r', String(cluster ? Math.max(1, Math.round(step.keyspace / clusterNodes)) : step.keyspace),
    '-P', String(step.pipeline),
    '--precision', '3',
    ...(cluster ? ['--cluster'] : []),
  ];
}

/** Spawns redis-benchmark with `args`; kills it after `timeoutMs`. Resolves to one entry per test. */
export function runBenchmark(args: readonly string[], timeoutMs: number, cleanup: Cleanup): Promise<TestFigures[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.addChild(child);
    const chunks: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child, 1000);
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new BenchError('BENCH_BENCHMARK_FAILED', `redis-benchmark could not be started: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString();
      if (timedOut) {
        reject(new BenchError('BENCH_BENCHMARK_TIMEOUT', `redis-benchmark ${args.join(' ')} took over ${timeoutMs / 1000} s`));
      } else if (code !== 0) {
        const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new BenchError('BENCH_BENCHMARK_FAILED', `redis-benchmark ${why}: ${lastLines(output)}`));
      } else {
        try {
          resolve(parseBenchmarkOutput(output));
        } catch (err) {
          reject(err);
        }
      }
    });
  });
}

function lastLines(output: string): string {
  return output.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '' && !l.includes('rps=')).slice(-6).join('\n');
}
