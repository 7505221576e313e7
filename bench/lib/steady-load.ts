// Runs the steady load (steady/worker.ts) in a child process and talks to it: start, change the
// rate, stop and read back the per-request log. A child process, so the generator has an event
// loop of its own, as redis-benchmark has.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cleanup } from './cleanup';
import { stopChild } from './cleanup';
import { BenchError } from './errors';
import { decodeLog, type RequestLog } from './steady/request-log';
import { epochMs, rateCommand, READY_PREFIX, STOP_COMMAND, type SteadySpec, type SteadySummary } from './steady/spec';

export type { SteadySpec, SteadySummary } from './steady/spec';

/** Epoch ms as the worker counts them (performance.timeOrigin + now). */
export function nowMs(): number {
  return epochMs(performance.timeOrigin, performance.now());
}

function workerPath(): string {
  return join(__dirname, 'steady', `worker${extname(__filename)}`);
}

/** How the load is described in reports: the worker and its spec. */
export function describeLoad(spec: SteadySpec): string {
  return `bench/lib/steady/worker ${JSON.stringify(spec)}`;
}

export class SteadyLoad {
  private stdout = '';
  private exited: Promise<number | null>;

  private constructor(readonly spec: SteadySpec, private readonly child: ChildProcessWithoutNullStreams, readonly startedMs: number) {
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    child.stdout.on('data', (c: Buffer) => {
      this.stdout += c.toString();
    });
  }

  /** Starts the worker; resolves once every connection is open and the first request is due. */
  static start(spec: SteadySpec, cleanup: Cleanup, timeoutMs = 10_000): Promise<SteadyLoad> {
    const child = spawn(process.execPath, [...process.execArgv, workerPath(), JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'pipe'] });
    cleanup.addChild(child);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    return new Promise((resolve, reject) => {
      let seen = '';
      const fail = (why: string): void => {
        clearTimeout(timer);
        void stopChild(child, 1000);
        reject(new BenchError('BENCH_BENCHMARK_FAILED', `steady load ${why}: ${stderr.trim().slice(-500)}`));
      };
      const timer = setTimeout(() => fail(`did not connect within ${timeoutMs / 1000} s`), timeoutMs);
      child.once('error', (e) => fail(`could not be started (${e.message})`));
      child.once('close', (code) => fail(`exited with code ${code} before it was ready`));
      const onData = (c: Buffer): void => {
        seen += c.toString();
        const line = seen.split('\n').find((l) => l.startsWith(READY_PREFIX));
        if (line === undefined) return;
        clearTimeout(timer);
        child.removeAllListeners('close');
        child.stdout.off('data', onData);
        resolve(new SteadyLoad(spec, child, Number(line.slice(READY_PREFIX.length))));
      };
      child.stdout.on('data', onData);
    });
  }

  setRate(ratePerSec: number): void {
    this.child.stdin.write(rateCommand(ratePerSec));
  }

  /** Stops sending, waits for the worker to log and exit; returns its summary and request log. */
  async stop(timeoutMs = 60_000): Promise<{ summary: SteadySummary; log: RequestLog }> {
    this.child.stdin.write(STOP_COMMAND);
    const timer = setTimeout(() => void stopChild(this.child, 1000), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    const last = this.stdout.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !last.startsWith('{')) {
      throw new BenchError('BENCH_BENCHMARK_FAILED', `steady load exited with code ${code}: ${this.stdout.slice(-300)}`);
    }
    const summary = JSON.parse(last) as SteadySummary;
    const log = decodeLog(readFileSync(this.spec.logPath));
    rmSync(this.spec.logPath, { force: true });
    return { summary, log };
  }
}
