// Runs the YCSB-style load generator (ycsb/worker.ts) in a child process and turns its result
// into the harness's TestFigures ("READ" and "UPDATE" rows). A child process, so the generator has
// an event loop (and a core) to itself, as redis-benchmark has.

import { spawn } from 'node:child_process';
import { extname, join } from 'node:path';
import type { TestFigures } from './benchmark-output';
import type { Cleanup } from './cleanup';
import { stopChild } from './cleanup';
import { BenchError } from './errors';
import type { OpFigures, WorkloadResult, WorkloadSpec } from './ycsb/workload';

export type { WorkloadSpec, WorkloadResult } from './ycsb/workload';

/** The worker next to this file: .ts under tsx, .js when compiled. */
function workerPath(): string {
  return join(__dirname, 'ycsb', `worker${extname(__filename)}`);
}

export function runWorkload(spec: WorkloadSpec, timeoutMs: number, cleanup: Cleanup): Promise<WorkloadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, workerPath(), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.addChild(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child, 1000);
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new BenchError('BENCH_BENCHMARK_FAILED', `load generator could not be started: ${e.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString().trim();
      if (timedOut) return reject(new BenchError('BENCH_BENCHMARK_TIMEOUT', `load generator took over ${timeoutMs / 1000} s`));
      if (code !== 0 || text === '') {
        return reject(new BenchError('BENCH_BENCHMARK_FAILED', `load generator exited with code ${code}: ${Buffer.concat(err).toString().trim().slice(-500)}`));
      }
      try {
        resolve(JSON.parse(text.split('\n').at(-1) ?? '') as WorkloadResult);
      } catch {
        reject(new BenchError('BENCH_OUTPUT_UNPARSABLE', `load generator printed: ${text.slice(-300)}`));
      }
    });
  });
}

/** The generator's figures as table rows; errors (e.g. NOQUORUM) fail the step. */
export function workloadFigures(result: WorkloadResult): TestFigures[] {
  if (result.errors > 0) {
    throw new BenchError('BENCH_BENCHMARK_FAILED', `${result.errors} error replies, the first: ${result.firstError ?? '?'}`);
  }
  const row = (test: string, f: OpFigures): TestFigures => ({
    test, requests: f.ops, seconds: result.seconds, opsPerSec: f.opsPerSec, avgMs: f.avgMs, minMs: NaN,
    p50Ms: f.p50Ms, p95Ms: f.p95Ms, p99Ms: f.p99Ms, p999Ms: f.p999Ms, maxMs: f.maxMs,
  });
  return [row('READ', result.read), ...(result.update.ops > 0 ? [row('UPDATE', result.update)] : [])];
}
