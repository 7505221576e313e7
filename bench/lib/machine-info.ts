// What a result was measured on: machine, runtimes and the code's git commit.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  redisServer: string;
  redisBenchmark: string;
}

export interface GitInfo {
  commit: string;
  /** true when the working tree differs from the commit (changed or untracked, non-ignored files) */
  dirty: boolean;
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    redisServer: versionOf('redis-server', /v=(\S+)/),
    redisBenchmark: versionOf('redis-benchmark', /redis-benchmark (\S+)/),
  };
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // not Linux: fall through to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

function versionOf(program: string, pattern: RegExp): string {
  const text = run(program, ['--version'], process.cwd());
  return text === undefined ? 'not found' : (pattern.exec(text)?.[1] ?? text.trim());
}

/** Read-only git queries (GIT_OPTIONAL_LOCKS=0: `git status` does not refresh the index). */
export function gitInfo(root: string): GitInfo {
  const commit = run('git', ['rev-parse', 'HEAD'], root)?.trim() ?? 'unknown';
  const status = run('git', ['status', '--porcelain'], root);
  return { commit, dirty: status === undefined ? false : status.trim() !== '' };
}

function run(program: string, args: readonly string[], cwd: string): string | undefined {
  try {
    return execFileSync(program, [...args], {
      cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch {
    return undefined;
  }
}
