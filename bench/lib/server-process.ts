// One server process (redis-server or a quorumkv node): spawn, wait until it answers, stop.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Cleanup } from './cleanup';
import { stopChild } from './cleanup';
import { BenchError } from './errors';
import { probe } from './resp-probe';

export interface LaunchCommand {
  file: string;
  args: readonly string[];
  /** how to show the command in reports (e.g. "node bin/quorumkv-server" rather than the node path) */
  display: string;
}

/** Extra readiness condition beyond PING (e.g. a cluster that knows all its nodes). */
export type ReadyCheck = (port: number) => Promise<boolean>;

export class ServerProcess {
  private exitNote: string | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly command: LaunchCommand,
    private readonly child: ChildProcess,
    private readonly logPath: string,
  ) {
    child.once('exit', (code, signal) => {
      this.exitNote = signal ? `killed by ${signal}` : `exited with code ${code}`;
    });
    child.once('error', (err) => {
      this.exitNote = `could not be started: ${err.message}`;
    });
  }

  /** the process id, while it runs */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Spawns the server with stdout and stderr going to `logPath`; registers it with `cleanup`. */
  static spawn(name: string, port: number, command: LaunchCommand, logPath: string, cwd: string, cleanup: Cleanup): ServerProcess {
    const log = openSync(logPath, 'a');
    try {
      const child = spawn(command.file, [...command.args], { cwd, stdio: ['ignore', log, log] });
      cleanup.addChild(child);
      return new ServerProcess(name, port, command, child, logPath);
    } finally {
      closeSync(log);
    }
  }

  get running(): boolean {
    return this.exitNote === undefined;
  }

  /** Polls PING (then `extra`) until it passes; BENCH_SERVER_EXITED / _START_TIMEOUT otherwise. */
  async waitReady(timeoutMs: number, extra?: ReadyCheck): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exitNote !== undefined) {
        throw new BenchError('BENCH_SERVER_EXITED', `${this.name} ${this.exitNote} before answering PING\n${this.describe()}`);
      }
      try {
        const reply = await probe(this.port, ['PING'], 1000);
        if (reply.kind === 'simple' && reply.text === 'PONG') {
          if (extra === undefined || (await extra(this.port))) return;
          lastProblem = 'answers PING but is not ready yet';
        } else {
          lastProblem = `PING answered ${reply.kind} "${reply.text}"`;
        }
      } catch (err) {
        lastProblem = (err as Error).message;
      }
      await sleep(100);
    }
    throw new BenchError('BENCH_SERVER_START_TIMEOUT',
      `${this.name} did not come up within ${timeoutMs / 1000} s (${lastProblem})\n${this.describe()}`);
  }

  async stop(graceMs = 5000): Promise<void> {
    await stopChild(this.child, graceMs);
  }

  /** The command and the tail of the server's log, for error messages. */
  describe(): string {
    let log = '';
    try {
      log = readFileSync(this.logPath, 'utf8').trim().split('\n').slice(-15).join('\n');
    } catch {
      log = '(no log)';
    }
    return `  command: ${this.command.display}\n  log (${this.logPath}):\n${log.replace(/^/gm, '    ')}`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Shell-style rendering of a command line, quoting empty and unusual arguments. */
export function shellJoin(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
